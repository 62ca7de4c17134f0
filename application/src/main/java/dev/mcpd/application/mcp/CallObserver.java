package dev.mcpd.application.mcp;

/** Told when a session starts and finishes a request, so the daemon can count calls in flight (B-L4). */
public interface CallObserver {

    CallObserver NONE = new CallObserver() {
        @Override
        public void callStarted() {}

        @Override
        public void callFinished() {}
    };

    void callStarted();

    void callFinished();
}
