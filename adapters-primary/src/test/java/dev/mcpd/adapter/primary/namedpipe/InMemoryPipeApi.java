package dev.mcpd.adapter.primary.namedpipe;

import dev.mcpd.domain.model.Availability;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fake {@link PipeApi}: named pipes in memory, with the semantics of Windows' named pipe file system as far as mcpd
 * relies on them, because there is no Windows to test on here. {@code PipeApiContract} checks these semantics, and
 * runs the same checks against {@link Kernel32PipeApi} on Windows, so the fake is held to the real thing there.
 *
 * <ul>
 *   <li>One {@link Kernel} is the machine's pipe namespace; each {@link #process(long)} view is one process, whose
 *       pid the server side sees ({@code GetNamedPipeClientProcessId}).
 *   <li>Names are case-insensitive. A name exists while any end of any of its instances is open: after the server
 *       closed, a client that still holds its end keeps the name (and the first-instance flag then refuses it).
 *   <li>A client connects to an instance that is waiting (created, no client yet), else {@code ERROR_PIPE_BUSY};
 *       no instance at all is {@code ERROR_FILE_NOT_FOUND}.
 *   <li>Each direction buffers at most {@link Kernel#bufferSize} bytes; a write blocks while it is full. Bytes
 *       written before a close stay readable; after them a read returns -1; a write to a closed peer fails with
 *       {@code ERROR_NO_DATA}.
 *   <li>{@code cancelIo} cancels only calls already blocked; {@code closeHandle} under a blocked call, twice, or any
 *       call on a closed handle is a bug in the caller, recorded in {@link Kernel#violations()} (and the call fails
 *       with {@code ERROR_INVALID_HANDLE}), which tests assert empty.
 * </ul>
 */
final class InMemoryPipeApi implements PipeApi {

    /** The machine: every pipe, every handle, one lock. */
    static final class Kernel {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final Map<String, List<Instance>> names = new LinkedHashMap<>();
        private final Set<FakeHandle> open = new HashSet<>();
        private final List<String> violations = new ArrayList<>();
        private final AtomicReference<Hook> beforeNextBlockingCall = new AtomicReference<>();
        private final int bufferSize;

        Kernel() {
            this(64 * 1024);
        }

        /** @param bufferSize bytes each direction of an instance holds before a write blocks */
        Kernel(int bufferSize) {
            this.bufferSize = bufferSize;
        }

        /** Misuses of handles seen so far (see the class doc); empty when the code under test is correct. */
        List<String> violations() {
            lock.lock();
            try {
                return List.copyOf(violations);
            } finally {
                lock.unlock();
            }
        }

        /** The number of handles open, both ends, all names. */
        int openHandles() {
            lock.lock();
            try {
                return open.size();
            } finally {
                lock.unlock();
            }
        }

        /** Whether {@code name} exists (some end of some instance is open). */
        boolean exists(String name) {
            lock.lock();
            try {
                return names.containsKey(key(name));
            } finally {
                lock.unlock();
            }
        }

        /** The number of instances of {@code name} waiting for a client. */
        int waitingInstances(String name) {
            lock.lock();
            try {
                return (int) names.getOrDefault(key(name), List.of()).stream().filter(Instance::waiting).count();
            } finally {
                lock.unlock();
            }
        }

        private record Hook(String function, Runnable action) {}

        /**
         * Runs {@code action} once, in the next call of {@code function} ({@code ReadFile}, {@code WriteFile} or
         * {@code ConnectNamedPipe}), after the call entered the API and before it blocks: the window in which a
         * {@code CancelIoEx} finds nothing to cancel yet.
         */
        void beforeNextBlockingCall(String function, Runnable action) {
            beforeNextBlockingCall.set(new Hook(function, action));
        }

        private void runHook(String function) {
            Hook hook = beforeNextBlockingCall.get();
            if (hook != null && hook.function().equals(function) && beforeNextBlockingCall.compareAndSet(hook, null)) {
                hook.action().run();
            }
        }

        private static String key(String name) {
            return name.toLowerCase(Locale.ROOT);
        }
    }

    private enum Side { SERVER, CLIENT }

    private static final class Instance {
        final String name;
        final ArrayDeque<Byte> toClient = new ArrayDeque<>();
        final ArrayDeque<Byte> toServer = new ArrayDeque<>();
        FakeHandle server;
        FakeHandle client;
        long clientPid;
        boolean serverClosed;
        boolean clientClosed;
        /** A {@code ConnectNamedPipe} was blocked when the client came: it succeeds even if the client left since. */
        boolean connectWitnessed;

        Instance(String name) {
            this.name = name;
        }

        boolean waiting() {
            return client == null && !serverClosed;
        }
    }

    private static final class Call {
        boolean cancelled;
    }

    private static final class FakeHandle implements PipeHandle {
        final Instance instance;
        final Side side;
        final Set<Call> blocked = new HashSet<>();
        boolean closed;

        FakeHandle(Instance instance, Side side) {
            this.instance = instance;
            this.side = side;
        }

        boolean peerClosed() {
            return side == Side.SERVER ? instance.clientClosed : instance.serverClosed;
        }

        ArrayDeque<Byte> inbound() {
            return side == Side.SERVER ? instance.toServer : instance.toClient;
        }

        ArrayDeque<Byte> outbound() {
            return side == Side.SERVER ? instance.toClient : instance.toServer;
        }

        @Override
        public String toString() {
            return side + " end of " + instance.name;
        }
    }

    private final Kernel kernel;
    private final long pid;

    /** A new machine, seen from this JVM's process. */
    InMemoryPipeApi() {
        this(new Kernel(), ProcessHandle.current().pid());
    }

    InMemoryPipeApi(Kernel kernel, long pid) {
        this.kernel = kernel;
        this.pid = pid;
    }

    /** The same machine, seen from the process {@code pid}. */
    InMemoryPipeApi process(long otherPid) {
        return new InMemoryPipeApi(kernel, otherPid);
    }

    Kernel kernel() {
        return kernel;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public PipeHandle createInstance(String pipeName, boolean firstInstance) throws IOException {
        kernel.lock.lock();
        try {
            List<Instance> instances = kernel.names.get(Kernel.key(pipeName));
            if (firstInstance && instances != null) {
                throw new PipeNameTakenException(pipeName);
            }
            Instance instance = new Instance(pipeName);
            instance.server = new FakeHandle(instance, Side.SERVER);
            kernel.names.computeIfAbsent(Kernel.key(pipeName), k -> new ArrayList<>()).add(instance);
            kernel.open.add(instance.server);
            kernel.changed.signalAll();
            return instance.server;
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public void awaitClient(PipeHandle pipe) throws IOException {
        kernel.runHook("ConnectNamedPipe");
        kernel.lock.lock();
        try {
            FakeHandle handle = live(pipe, "ConnectNamedPipe");
            Instance instance = handle.instance;
            if (instance.client != null) {
                // ERROR_PIPE_CONNECTED is success, unless the client already left (ERROR_NO_DATA)
                if (instance.clientClosed) {
                    throw new PipeException("ConnectNamedPipe", Win32Error.ERROR_NO_DATA, instance.name);
                }
                return;
            }
            Call call = block(handle);
            try {
                while (instance.client == null && !call.cancelled && !handle.closed) {
                    kernel.changed.awaitUninterruptibly();
                }
            } finally {
                handle.blocked.remove(call);
            }
            if (instance.connectWitnessed) {
                return;
            }
            throw new PipeException("ConnectNamedPipe", call.cancelled ? Win32Error.ERROR_OPERATION_ABORTED
                    : Win32Error.ERROR_INVALID_HANDLE, instance.name);
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public long clientProcessId(PipeHandle pipe) throws IOException {
        kernel.lock.lock();
        try {
            FakeHandle handle = live(pipe, "GetNamedPipeClientProcessId");
            if (handle.side != Side.SERVER || handle.instance.client == null) {
                throw new PipeException("GetNamedPipeClientProcessId", Win32Error.ERROR_PIPE_NOT_CONNECTED,
                        handle.toString());
            }
            return handle.instance.clientPid;
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public PipeHandle openClient(String pipeName) throws IOException {
        kernel.lock.lock();
        try {
            List<Instance> instances = kernel.names.get(Kernel.key(pipeName));
            if (instances == null) {
                throw new NoSuchFileException(pipeName, null, "no pipe of that name");
            }
            for (Instance instance : instances) {
                if (instance.waiting()) {
                    instance.client = new FakeHandle(instance, Side.CLIENT);
                    instance.clientPid = pid;
                    instance.connectWitnessed = !instance.server.blocked.isEmpty();
                    kernel.open.add(instance.client);
                    kernel.changed.signalAll();
                    return instance.client;
                }
            }
            throw new PipeBusyException("CreateFileW", pipeName);
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public boolean waitForInstance(String pipeName, Duration timeout) throws IOException {
        long remaining = Math.max(1, timeout.toNanos());
        kernel.lock.lock();
        try {
            while (true) {
                List<Instance> instances = kernel.names.get(Kernel.key(pipeName));
                if (instances == null) {
                    throw new NoSuchFileException(pipeName, null, "no pipe of that name");
                }
                if (instances.stream().anyMatch(Instance::waiting)) {
                    return true;
                }
                if (remaining <= 0) {
                    return false;
                }
                try {
                    remaining = kernel.changed.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public int read(PipeHandle pipe, byte[] buffer, int offset, int length) throws IOException {
        kernel.runHook("ReadFile");
        kernel.lock.lock();
        try {
            FakeHandle handle = live(pipe, "ReadFile");
            ArrayDeque<Byte> inbound = handle.inbound();
            Call call = block(handle);
            try {
                while (inbound.isEmpty() && !handle.peerClosed() && !call.cancelled && !handle.closed) {
                    kernel.changed.awaitUninterruptibly();
                }
            } finally {
                handle.blocked.remove(call);
            }
            if (!inbound.isEmpty()) {
                int n = 0;
                while (n < length && !inbound.isEmpty()) {
                    buffer[offset + n++] = inbound.poll();
                }
                kernel.changed.signalAll();
                return n;
            }
            if (handle.peerClosed()) {
                return -1; // ERROR_BROKEN_PIPE after the last byte
            }
            throw new PipeException("ReadFile", call.cancelled ? Win32Error.ERROR_OPERATION_ABORTED
                    : Win32Error.ERROR_INVALID_HANDLE, handle.toString());
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public void write(PipeHandle pipe, byte[] buffer, int offset, int length) throws IOException {
        kernel.runHook("WriteFile");
        kernel.lock.lock();
        try {
            FakeHandle handle = live(pipe, "WriteFile");
            ArrayDeque<Byte> outbound = handle.outbound();
            Call call = block(handle);
            try {
                int done = 0;
                while (done < length) {
                    if (handle.peerClosed()) {
                        throw new PipeException("WriteFile", Win32Error.ERROR_NO_DATA, handle.toString());
                    }
                    if (call.cancelled || handle.closed) {
                        throw new PipeException("WriteFile", call.cancelled ? Win32Error.ERROR_OPERATION_ABORTED
                                : Win32Error.ERROR_INVALID_HANDLE, handle.toString());
                    }
                    if (outbound.size() < kernel.bufferSize) {
                        while (done < length && outbound.size() < kernel.bufferSize) {
                            outbound.add(buffer[offset + done++]);
                        }
                        kernel.changed.signalAll();
                    } else {
                        kernel.changed.awaitUninterruptibly();
                    }
                }
            } finally {
                handle.blocked.remove(call);
            }
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public void cancelIo(PipeHandle pipe) {
        kernel.lock.lock();
        try {
            FakeHandle handle = (FakeHandle) pipe;
            if (handle.closed) {
                kernel.violations.add("CancelIoEx on a closed handle (" + handle + "): it may be another object's now");
                return;
            }
            handle.blocked.forEach(call -> call.cancelled = true);
            kernel.changed.signalAll();
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public void closeHandle(PipeHandle pipe) {
        kernel.lock.lock();
        try {
            FakeHandle handle = (FakeHandle) pipe;
            if (handle.closed) {
                kernel.violations.add("CloseHandle twice on " + handle);
                return;
            }
            if (!handle.blocked.isEmpty()) {
                kernel.violations.add("CloseHandle on " + handle + " while " + handle.blocked.size()
                        + " call(s) were blocked on it");
            }
            handle.closed = true;
            kernel.open.remove(handle);
            Instance instance = handle.instance;
            if (handle.side == Side.SERVER) {
                instance.serverClosed = true;
            } else {
                instance.clientClosed = true;
            }
            if (instance.serverClosed && (instance.client == null || instance.clientClosed)) {
                List<Instance> instances = kernel.names.get(Kernel.key(instance.name));
                instances.remove(instance);
                if (instances.isEmpty()) {
                    kernel.names.remove(Kernel.key(instance.name));
                }
            }
            kernel.changed.signalAll();
        } finally {
            kernel.lock.unlock();
        }
    }

    /** The handle, if open; a call on a closed handle is recorded as a violation and fails. Holds the lock. */
    private FakeHandle live(PipeHandle pipe, String function) throws PipeException {
        FakeHandle handle = (FakeHandle) pipe;
        if (handle.closed) {
            kernel.violations.add(function + " on a closed handle (" + handle + ")");
            throw new PipeException(function, Win32Error.ERROR_INVALID_HANDLE, handle.toString());
        }
        return handle;
    }

    private static Call block(FakeHandle handle) {
        Call call = new Call();
        handle.blocked.add(call);
        return call;
    }
}
