package dev.mcpd.application.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpd.application.jsonrpc.JsonRpc;
import dev.mcpd.application.wire.TestJsonCodec;
import dev.mcpd.domain.fake.InMemoryEngine;
import dev.mcpd.domain.model.ClientId;
import dev.mcpd.domain.testing.ManualClock;
import dev.mcpd.domain.testing.TestTime;
import dev.mcpd.domain.time.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link McpServerSession} driven with JSON-shaped messages; every outbound message is captured. */
class McpServerSessionTest {

    /** Bound for anything that should happen promptly; only a hang exceeds it. */
    private static final Duration ANSWER = TestTime.millis(5_000);
    /** B-M8: a request behind a slow call is answered within this. */
    private static final Duration PROMPT = TestTime.millis(200);
    /** How long "never" is watched for. */
    private static final Duration NEVER = TestTime.millis(400);

    private final InMemoryEngine memory = new InMemoryEngine();
    private final ScriptedEngine scripted = new ScriptedEngine();
    private final Outbox outbox = new Outbox();
    private final CountingObserver observer = new CountingObserver();
    private McpServerSession session = newSession(new ToolCatalog(List.of(memory, scripted)), 100);

    @AfterEach
    void closeEverything() {
        session.close(false);
        scripted.close();
        memory.close();
    }

    private McpServerSession newSession(ToolCatalog catalog, int pageSize) {
        return new McpServerSession(catalog,
                SessionSettings.uncapped(new ServerInfo("mcpd", "9.9.9", "Use the tools."), Duration.ofMinutes(1), pageSize),
                outbox, observer, new ClientId(1), Map.of(), new ManualClock(), Ticker.system(), new TestJsonCodec());
    }

    @Nested
    @DisplayName("B-M1 initialize")
    class Initialize {

        @Test
        @DisplayName("B-M1 echoes every supported protocol version")
        void echoesSupportedVersions() {
            int id = 0;
            for (String version : McpServerSession.SUPPORTED_VERSIONS) {
                session.onMessage(request(++id, "initialize", Json.object("protocolVersion", version,
                        "capabilities", Json.object(), "clientInfo", Json.object("name", "test", "version", "1"))));
                assertThat(result(outbox.single(id))).containsEntry("protocolVersion", version);
            }
        }

        @Test
        @DisplayName("B-M1 answers an unknown version with the latest, never an error")
        void answersUnknownVersionWithLatest() {
            session.onMessage(request(1, "initialize", Json.object("protocolVersion", "1999-01-01")));
            session.onMessage(request(2, "initialize", Json.object("protocolVersion", "2026-12-31")));

            for (int id = 1; id <= 2; id++) {
                assertThat(outbox.single(id)).doesNotContainKey("error");
                assertThat(result(outbox.single(id))).containsEntry("protocolVersion", McpServerSession.SUPPORTED_VERSIONS.getFirst());
            }
        }

        @Test
        @DisplayName("B-M1 answers a missing or non-string version with the latest, never an error")
        void answersMissingVersionWithLatest() {
            session.onMessage(request(1, "initialize", Json.object()));
            session.onMessage(request(2, "initialize", Json.object("protocolVersion", 20250618)));
            session.onMessage(request(3, "initialize", null));

            for (int id = 1; id <= 3; id++) {
                assertThat(result(outbox.single(id))).containsEntry("protocolVersion", McpServerSession.SUPPORTED_VERSIONS.getFirst());
            }
        }

        @Test
        @DisplayName("B-M1 the result declares tools, the server's name and version, and instructions")
        void resultDescribesTheServer() {
            session.onMessage(request(1, "initialize", Json.object("protocolVersion", "2025-06-18")));

            Map<String, Object> result = result(outbox.single(1));
            assertThat(result.keySet()).containsExactly("protocolVersion", "capabilities", "serverInfo", "instructions");
            assertThat(Json.asObject(result.get("capabilities"))).containsKey("tools");
            assertThat(Json.asObject(result.get("serverInfo"))).containsEntry("name", "mcpd").containsEntry("version", "9.9.9");
            assertThat(result).containsEntry("instructions", "Use the tools.");
        }

        @Test
        @DisplayName("B-M1 notifications/initialized is accepted silently")
        void initializedNotificationIsSilent() {
            session.onMessage(request(1, "initialize", Json.object("protocolVersion", "2025-11-25")));
            session.onMessage(notification("notifications/initialized", null));
            session.onMessage(request(2, "ping", null));

            assertThat(outbox.all()).hasSize(2);
            assertThat(outbox.all().get(1)).containsEntry("id", 2);
        }
    }

    @Test
    @DisplayName("B-M2 ping is answered {} before initialize, and after")
    void pingBeforeAndAfterInitialize() {
        session.onMessage(request(1, "ping", null));
        session.onMessage(request(2, "initialize", Json.object("protocolVersion", "2025-11-25")));
        session.onMessage(request(3, "ping", Json.object()));

        assertThat(outbox.single(1)).isEqualTo(Json.object("jsonrpc", "2.0", "id", 1, "result", Json.object()));
        assertThat(result(outbox.single(3))).isEmpty();
    }

    @Test
    @DisplayName("B-M3 an unknown method gets -32601 before and after initialize; server/discover too")
    void unknownMethodsGetMethodNotFound() {
        session.onMessage(request(1, "server/discover", Json.object()));
        session.onMessage(request(2, "resources/list", null));
        session.onMessage(request(3, "initialize", Json.object("protocolVersion", "2025-11-25")));
        session.onMessage(request(4, "prompts/list", null));
        session.onMessage(request(5, "server/discover", null));

        for (int id : new int[] {1, 2, 4, 5}) {
            assertThat(errorCode(outbox.single(id))).as("id %d", id).isEqualTo(JsonRpc.METHOD_NOT_FOUND);
        }
        assertThat(error(outbox.single(1)).get("message")).asString().contains("server/discover");
    }

    @Test
    @DisplayName("B-M3 an unknown notification gets no answer at all")
    void unknownNotificationIsIgnored() {
        session.onMessage(notification("notifications/whatever", Json.object()));

        assertThat(outbox.all()).isEmpty();
    }

    @Test
    @DisplayName("B-M4 a malformed line gets -32700 without an id, and the session still answers")
    void malformedLineGetsParseErrorAndSessionGoesOn() {
        session.onMalformed("Unexpected character ('x' (code 120))");
        session.onMessage(request(1, "ping", null));

        Map<String, Object> parseError = outbox.all().getFirst();
        assertThat(parseError).doesNotContainKey("id").containsEntry("jsonrpc", "2.0");
        assertThat(error(parseError)).containsEntry("code", JsonRpc.PARSE_ERROR);
        assertThat(error(parseError).get("message")).asString().contains("Unexpected character");
        assertThat(result(outbox.single(1))).isEmpty();
    }

    @Nested
    @DisplayName("B-M5 tools/list")
    class ToolsList {

        @Test
        @DisplayName("B-M5 pages with nextCursor: page size 1 over two tools gives two pages")
        void pagesWithCursor() {
            session = newSession(new ToolCatalog(List.of(memory)), 1);

            session.onMessage(request(1, "tools/list", null));
            Map<String, Object> first = result(outbox.single(1));
            assertThat(names(first)).containsExactly("echo");
            assertThat(first.get("nextCursor")).isInstanceOf(String.class);

            session.onMessage(request(2, "tools/list", Json.object("cursor", first.get("nextCursor"))));
            Map<String, Object> second = result(outbox.single(2));
            assertThat(names(second)).containsExactly("sleep");
            assertThat(second).doesNotContainKey("nextCursor");
        }

        @Test
        @DisplayName("B-M5 an invalid cursor is -32602")
        void invalidCursorIsInvalidParams() {
            session = newSession(new ToolCatalog(List.of(memory)), 1);
            String pastTheEnd = Base64.getUrlEncoder().withoutPadding().encodeToString("o:99".getBytes());
            String otherScheme = Base64.getUrlEncoder().withoutPadding().encodeToString("page=1".getBytes());

            List<Object> cursors = List.of("!!not base64!!", 1, pastTheEnd, otherScheme, "");
            int id = 0;
            for (Object cursor : cursors) {
                session.onMessage(request(++id, "tools/list", Json.object("cursor", cursor)));
                assertThat(errorCode(outbox.single(id))).as("cursor %s", cursor).isEqualTo(JsonRpc.INVALID_PARAMS);
            }
        }

        @Test
        @DisplayName("B-M5 every tool has a valid name, a description, an object inputSchema and annotations")
        void everyToolIsFullyDescribed() {
            session.onMessage(request(1, "tools/list", Json.object()));

            Map<String, Object> page = result(outbox.single(1));
            assertThat(page).doesNotContainKey("nextCursor");
            List<Object> tools = Json.asArray(page.get("tools"));
            assertThat(names(page)).containsExactly("echo", "sleep", "boom", "stats", "progress", "block");
            for (Object t : tools) {
                Map<String, Object> tool = Json.asObject(t);
                assertThat(Json.asString(tool.get("name"))).matches("[A-Za-z0-9_.-]{1,128}");
                assertThat(Json.asString(tool.get("description"))).isNotBlank();
                assertThat(Json.asObject(tool.get("inputSchema"))).containsEntry("type", "object");
                assertThat(Json.asObject(tool.get("annotations")))
                        .hasEntrySatisfying("readOnlyHint", v -> assertThat(v).isInstanceOf(Boolean.class))
                        .hasEntrySatisfying("destructiveHint", v -> assertThat(v).isInstanceOf(Boolean.class))
                        .hasEntrySatisfying("idempotentHint", v -> assertThat(v).isInstanceOf(Boolean.class));
            }
            assertThat(Json.asObject(tools.get(3))).containsKey("outputSchema");
            assertThat(Json.asObject(tools.get(0))).doesNotContainKey("outputSchema");
        }
    }

    @Nested
    @DisplayName("B-M6 tools/call")
    class ToolsCall {

        @Test
        @DisplayName("B-M6 a successful call gives text content and isError false")
        void successfulCall() {
            session.onMessage(call(1, "echo", Json.object("text", "hello")));

            Map<String, Object> result = result(outbox.awaitResponse(1));
            assertThat(result).containsEntry("isError", false);
            assertThat(text(result)).isEqualTo("hello");
        }

        @Test
        @DisplayName("B-M6 an unknown tool is -32602, naming the tool")
        void unknownToolIsInvalidParams() {
            session.onMessage(call(1, "nope", Json.object()));

            assertThat(errorCode(outbox.single(1))).isEqualTo(JsonRpc.INVALID_PARAMS);
            assertThat(error(outbox.single(1)).get("message")).asString().contains("nope");
        }

        @Test
        @DisplayName("B-M6 malformed params (arguments not an object, name missing or not a string, no params) are -32602")
        void malformedParamsAreInvalidParams() {
            session.onMessage(request(1, "tools/call", Json.object("name", "echo", "arguments", List.of("text"))));
            session.onMessage(request(2, "tools/call", Json.object("name", "echo", "arguments", "text=hi")));
            session.onMessage(request(3, "tools/call", Json.object("arguments", Json.object("text", "hi"))));
            session.onMessage(request(4, "tools/call", Json.object("name", 42)));
            session.onMessage(request(5, "tools/call", null));
            session.onMessage(request(6, "tools/call", List.of("echo")));

            for (int id = 1; id <= 6; id++) {
                assertThat(errorCode(outbox.single(id))).as("id %d", id).isEqualTo(JsonRpc.INVALID_PARAMS);
            }
            assertThat(observer.started.get()).as("no malformed call reaches an engine").isZero();
        }

        @Test
        @DisplayName("B-M6 an engine throwing is an isError result a person can act on, not a crash")
        void engineFailureIsAnErrorResult() {
            session.onMessage(call(1, "boom", Json.object()));

            Map<String, Object> result = result(outbox.awaitResponse(1));
            assertThat(result).containsEntry("isError", true);
            assertThat(text(result)).contains("boom").contains("IllegalStateException").contains("backend exploded");

            session.onMessage(request(2, "ping", null));
            assertThat(result(outbox.single(2))).isEmpty();
        }

        @Test
        @DisplayName("B-M6 structuredContent is passed through beside its text")
        void structuredContentPassesThrough() {
            session.onMessage(call(1, "stats", Json.object()));

            Map<String, Object> result = result(outbox.awaitResponse(1));
            assertThat(result).containsEntry("structuredContent", Json.object("count", 3)).containsEntry("isError", false);
            assertThat(text(result)).isEqualTo("3 things");
            // ... and also serialised as a JSON text block, for clients that read text only
            List<?> content = (List<?>) result.get("content");
            assertThat(content).hasSize(2);
            String json = (String) ((Map<?, ?>) content.get(1)).get("text");
            assertThat(new TestJsonCodec().parse(json.getBytes(StandardCharsets.UTF_8), 0,
                    json.getBytes(StandardCharsets.UTF_8).length)).isEqualTo(Json.object("count", 3));
        }
    }

    @Nested
    @DisplayName("B-M7 cancellation and progress")
    class CancellationAndProgress {

        @Test
        @DisplayName("B-M7 a cancelled call is never answered, even after its work would have finished")
        void cancelledCallIsNeverAnswered() {
            session.onMessage(call(7, "sleep", Json.object("millis", 150)));
            session.onMessage(notification("notifications/cancelled", Json.object("requestId", 7, "reason", "user stop")));

            assertThat(session.inFlightCalls()).isZero();
            await().during(NEVER).atMost(NEVER.multipliedBy(3)).until(() -> outbox.responsesTo(7).isEmpty());
            // the same call, not cancelled, is answered within that time: the silence above was the cancellation
            session.onMessage(call(8, "sleep", Json.object("millis", 150)));
            assertThat(text(result(outbox.awaitResponse(8)))).isEqualTo("slept 150 ms");
        }

        @Test
        @DisplayName("B-M7 cancellation interrupts the engine's thread and runs its cancel actions; a late result is dropped")
        void cancellationInterruptsTheEngine() throws InterruptedException {
            session.onMessage(call(9, "block", Json.object()));
            assertThat(scripted.blocked.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            session.onMessage(notification("notifications/cancelled", Json.object("requestId", 9)));

            assertThat(scripted.interrupted.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(scripted.cancelActionRan.getCount()).isZero();
            // block returns "finished anyway" after its interruption: the session must still send nothing
            await().during(NEVER).atMost(NEVER.multipliedBy(3)).until(() -> outbox.responsesTo(9).isEmpty());
            assertThat(observer.inFlight()).isZero();
        }

        @Test
        @DisplayName("B-M7 cancelling an unknown, finished or differently-typed id is ignored")
        void unknownIdsAreIgnored() {
            session.onMessage(call(1, "echo", Json.object("text", "done")));
            outbox.awaitResponse(1);
            session.onMessage(call(5, "sleep", Json.object("millis", 100)));

            session.onMessage(notification("notifications/cancelled", Json.object("requestId", 999)));
            session.onMessage(notification("notifications/cancelled", Json.object("requestId", 1)));
            session.onMessage(notification("notifications/cancelled", Json.object("requestId", "5")));
            session.onMessage(notification("notifications/cancelled", null));

            assertThat(text(result(outbox.awaitResponse(5)))).isEqualTo("slept 100 ms");
            assertThat(outbox.all()).hasSize(2);
        }

        @Test
        @DisplayName("B-M7 a progressToken yields strictly increasing notifications/progress before the result")
        void progressIsMonotonicAndPrecedesTheResult() {
            session.onMessage(request(10, "tools/call", Json.object("name", "sleep", "arguments", Json.object("millis", 200),
                    "_meta", Json.object("progressToken", "tok-1"))));

            outbox.awaitResponse(10);
            List<Map<String, Object>> all = outbox.all();
            List<Map<String, Object>> progress = outbox.notifications("notifications/progress");
            assertThat(progress).hasSizeGreaterThan(1);
            List<Double> values = new ArrayList<>();
            for (Map<String, Object> p : progress) {
                Map<String, Object> params = Json.asObject(p.get("params"));
                assertThat(params).containsEntry("progressToken", "tok-1");
                values.add(((Number) params.get("progress")).doubleValue());
                assertThat(all.indexOf(p)).isLessThan(all.indexOf(outbox.single(10)));
            }
            assertThat(values).isSorted().doesNotHaveDuplicates();
        }

        @Test
        @DisplayName("B-M7 progress that goes backwards is dropped; total and message pass through")
        void backwardProgressIsDropped() {
            session.onMessage(request(11, "tools/call", Json.object("name", "progress",
                    "_meta", Json.object("progressToken", 42))));

            outbox.awaitResponse(11);
            List<Map<String, Object>> params = outbox.notifications("notifications/progress").stream()
                    .map(n -> Json.asObject(n.get("params"))).toList();
            assertThat(params).extracting(p -> p.get("progress")).containsExactly(1.0, 3.0, 5.0);
            assertThat(params.getFirst()).containsEntry("progressToken", 42).containsEntry("total", 5.0)
                    .containsEntry("message", "step 1.0");
        }

        @Test
        @DisplayName("B-M7 without a progressToken no progress is sent")
        void noTokenNoProgress() {
            session.onMessage(call(12, "progress", Json.object()));

            outbox.awaitResponse(12);
            assertThat(outbox.all()).hasSize(1);
        }
    }

    @Test
    @DisplayName("B-M8 a 2 s call delays neither a ping nor an echo sent after it")
    void slowCallNeverDelaysLaterRequests() {
        session.onMessage(call(1, "sleep", Json.object("millis", 2_000)));

        long pingSent = System.nanoTime();
        session.onMessage(request(2, "ping", null));
        long echoSent = System.nanoTime();
        session.onMessage(call(3, "echo", Json.object("text", "fast")));

        Outbox.Sent echo = outbox.awaitSent(3);
        Outbox.Sent ping = outbox.awaitSent(2);
        assertThat(Duration.ofNanos(ping.atNanos() - pingSent)).isLessThan(PROMPT);
        assertThat(Duration.ofNanos(echo.atNanos() - echoSent)).isLessThan(PROMPT);
        assertThat(text(result(echo.message()))).isEqualTo("fast");
        assertThat(outbox.responsesTo(1)).as("the slow call is still running").isEmpty();
        assertThat(session.inFlightCalls()).isEqualTo(1);
    }

    @Nested
    @DisplayName("B-W6 request ids")
    class RequestIds {

        @Test
        @DisplayName("B-W6 a second call with an id already in flight is -32600; the first goes on")
        void duplicateInFlightIdIsInvalidRequest() throws InterruptedException {
            session.onMessage(call(4, "block", Json.object()));
            assertThat(scripted.blocked.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            session.onMessage(call(4, "echo", Json.object("text", "duplicate")));

            assertThat(errorCode(outbox.single(4))).isEqualTo(JsonRpc.INVALID_REQUEST);
            assertThat(scripted.interrupted.getCount()).as("the first call was not disturbed").isEqualTo(1);
            assertThat(session.inFlightCalls()).isEqualTo(1);
            assertThat(observer.inFlight()).isEqualTo(1);
        }

        @Test
        @DisplayName("B-W6 the string id \"4\" and the number 4 are different ids")
        void stringAndNumberIdsDiffer() throws InterruptedException {
            session.onMessage(call(4, "block", Json.object()));
            assertThat(scripted.blocked.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            session.onMessage(call("4", "echo", Json.object("text", "string id")));

            assertThat(text(result(outbox.awaitResponse("4")))).isEqualTo("string id");
            assertThat(outbox.responsesTo(4)).isEmpty();
        }

        @Test
        @DisplayName("B-W6 B-L4 a cancelled call finishing late does not take the in-flight slot of a new call with its id")
        void lateCancelledCallDoesNotStealTheSlotOfItsSuccessor() throws InterruptedException {
            ScriptedEngine slowToStop = new ScriptedEngine(true);
            session = newSession(new ToolCatalog(List.of(memory, slowToStop)), 100);
            session.onMessage(call(1, "block", Json.object()));
            assertThat(slowToStop.blocked.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            session.onMessage(notification("notifications/cancelled", Json.object("requestId", 1)));
            assertThat(slowToStop.interrupted.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            session.onMessage(call(1, "sleep", Json.object("millis", 300)));
            slowToStop.releaseAfterInterrupt.countDown(); // the cancelled call now returns, while the new id 1 runs

            assertThat(text(result(outbox.awaitResponse(1)))).isEqualTo("slept 300 ms");
            await().atMost(ANSWER).until(() -> observer.inFlight() == 0);
            slowToStop.close();
        }

        @Test
        @DisplayName("B-W6 an id may be used again once its call was answered")
        void idMayBeReusedAfterItsAnswer() {
            session.onMessage(call(6, "echo", Json.object("text", "a")));
            outbox.awaitResponse(6);
            session.onMessage(call(6, "echo", Json.object("text", "b")));

            await().atMost(ANSWER).until(() -> outbox.responsesTo(6).size() == 2);
            assertThat(outbox.responsesTo(6)).extracting(r -> text(result(r))).containsExactly("a", "b");
        }
    }

    @Nested
    @DisplayName("invalid requests (JSON-RPC 2.0 §4, §5)")
    class InvalidRequests {

        @Test
        @DisplayName("a message that is not an object is -32600 without an id")
        void nonObjectIsInvalidRequest() {
            session.onMessage("ping");
            session.onMessage(42);
            session.onMessage(null);

            assertThat(outbox.all()).hasSize(3).allSatisfy(m -> {
                assertThat(m).doesNotContainKey("id");
                assertThat(errorCode(m)).isEqualTo(JsonRpc.INVALID_REQUEST);
            });
        }

        @Test
        @DisplayName("a batch is -32600 and none of its requests is run")
        void batchIsRefused() {
            session.onMessage(List.of(request(1, "ping", null), request(2, "ping", null)));

            assertThat(outbox.all()).hasSize(1);
            assertThat(outbox.all().getFirst()).doesNotContainKey("id");
            assertThat(errorCode(outbox.all().getFirst())).isEqualTo(JsonRpc.INVALID_REQUEST);
            assertThat(error(outbox.all().getFirst()).get("message")).asString().contains("batch");
        }

        @Test
        @DisplayName("a request without jsonrpc \"2.0\", or with a non-string method, is -32600 with its id")
        void wrongEnvelopeIsInvalidRequestWithId() {
            session.onMessage(Json.object("id", 1, "method", "ping"));
            session.onMessage(Json.object("jsonrpc", "1.0", "id", 2, "method", "ping"));
            session.onMessage(Json.object("jsonrpc", "2.0", "id", 3, "method", 17));
            session.onMessage(Json.object("jsonrpc", "2.0", "id", 4));

            for (int id = 1; id <= 4; id++) {
                assertThat(errorCode(outbox.single(id))).as("id %d", id).isEqualTo(JsonRpc.INVALID_REQUEST);
            }
        }

        @Test
        @DisplayName("an id that is not a string or an integer is -32600 without an id")
        void invalidIdIsInvalidRequest() {
            Map<String, Object> nullId = new LinkedHashMap<>();
            nullId.put("jsonrpc", "2.0");
            nullId.put("id", null);
            nullId.put("method", "ping");
            session.onMessage(nullId);
            session.onMessage(Json.object("jsonrpc", "2.0", "id", 1.5, "method", "ping"));
            session.onMessage(Json.object("jsonrpc", "2.0", "id", true, "method", "ping"));
            session.onMessage(Json.object("jsonrpc", "2.0", "id", Json.object(), "method", "ping"));

            assertThat(outbox.all()).hasSize(4).allSatisfy(m -> {
                assertThat(m).doesNotContainKey("id");
                assertThat(errorCode(m)).isEqualTo(JsonRpc.INVALID_REQUEST);
            });
        }

        @Test
        @DisplayName("a notification with a bad envelope, and a response from the client, get no answer")
        void silentCases() {
            session.onMessage(Json.object("method", "notifications/initialized"));
            session.onMessage(Json.object("jsonrpc", "2.0", "id", 1, "result", Json.object()));
            session.onMessage(Json.object("jsonrpc", "2.0", "id", 2, "error", Json.object("code", -1, "message", "x")));

            assertThat(outbox.all()).isEmpty();
        }
    }

    @Nested
    @DisplayName("B-E1 close")
    class Close {

        @Test
        @DisplayName("B-E1 close(true) answers every call in flight with -32002 and nothing else follows")
        void closeWithAnswerSendsShuttingDown() throws InterruptedException {
            session.onMessage(call(1, "block", Json.object()));
            session.onMessage(call("two", "sleep", Json.object("millis", 10_000)));
            assertThat(scripted.blocked.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            session.close(true);

            assertThat(errorCode(outbox.single(1))).isEqualTo(JsonRpc.SHUTTING_DOWN);
            assertThat(errorCode(outbox.single("two"))).isEqualTo(JsonRpc.SHUTTING_DOWN);
            assertThat(scripted.interrupted.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            await().during(NEVER).atMost(NEVER.multipliedBy(3)).until(() -> outbox.all().size() == 2);
            assertThat(session.inFlightCalls()).isZero();
            assertThat(observer.inFlight()).isZero();
        }

        @Test
        @DisplayName("B-E1 after close a new tools/call is refused with -32002")
        void callsAfterCloseAreRefused() {
            session.close(true);

            session.onMessage(call(3, "echo", Json.object("text", "late")));

            assertThat(errorCode(outbox.single(3))).isEqualTo(JsonRpc.SHUTTING_DOWN);
        }

        @Test
        @DisplayName("B-E1 close(false) (client gone) cancels the calls and sends nothing")
        void closeWithoutAnswerSendsNothing() throws InterruptedException {
            session.onMessage(call(1, "block", Json.object()));
            session.onMessage(call(2, "sleep", Json.object("millis", 10_000)));
            assertThat(scripted.blocked.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            session.close(false);

            assertThat(scripted.interrupted.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            await().during(NEVER).atMost(NEVER.multipliedBy(3)).until(() -> outbox.all().isEmpty());
            assertThat(observer.inFlight()).isZero();
        }
    }

    @Test
    @DisplayName("B-L4 the call observer sees every started call finish: answered, duplicate, cancelled or closed")
    void callObserverIsBalanced() throws InterruptedException {
        session.onMessage(call(1, "echo", Json.object("text", "x")));
        outbox.awaitResponse(1);
        session.onMessage(call(2, "block", Json.object()));
        assertThat(scripted.blocked.await(ANSWER.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        session.onMessage(call(2, "echo", Json.object("text", "duplicate")));
        assertThat(observer.inFlight()).isEqualTo(1);
        session.onMessage(notification("notifications/cancelled", Json.object("requestId", 2)));
        session.onMessage(call(3, "sleep", Json.object("millis", 10_000)));
        assertThat(observer.inFlight()).isEqualTo(1);
        session.onMessage(call(4, "boom", Json.object()));
        outbox.awaitResponse(4);

        session.close(true);

        await().atMost(ANSWER).until(() -> observer.inFlight() == 0);
        assertThat(observer.started.get()).isEqualTo(5);
        assertThat(observer.finished.get()).isEqualTo(5);
    }

    // ---- helpers ----

    static Map<String, Object> request(Object id, String method, Object params) {
        return Json.object("jsonrpc", "2.0", "id", id, "method", method, "params", params);
    }

    static Map<String, Object> notification(String method, Object params) {
        return Json.object("jsonrpc", "2.0", "method", method, "params", params);
    }

    static Map<String, Object> call(Object id, String tool, Map<String, Object> arguments) {
        return request(id, "tools/call", Json.object("name", tool, "arguments", arguments));
    }

    static Map<String, Object> result(Map<String, Object> response) {
        assertThat(response).as("a result, not an error").containsKey("result");
        return Json.asObject(response.get("result"));
    }

    static Map<String, Object> error(Map<String, Object> response) {
        assertThat(response).as("an error, not a result").containsKey("error");
        return Json.asObject(response.get("error"));
    }

    static int errorCode(Map<String, Object> response) {
        return ((Number) error(response).get("code")).intValue();
    }

    static String text(Map<String, Object> result) {
        return Json.asString(Json.asObject(Json.asArray(result.get("content")).getFirst()).get("text"));
    }

    static List<String> names(Map<String, Object> page) {
        return Json.asArray(page.get("tools")).stream().map(t -> Json.asString(Json.asObject(t).get("name"))).toList();
    }

    /** Captures what the session sends, from any thread, with the instant each message left. */
    static final class Outbox implements Consumer<Map<String, Object>> {

        record Sent(Map<String, Object> message, long atNanos) {}

        private final List<Sent> sent = new CopyOnWriteArrayList<>();

        @Override
        public void accept(Map<String, Object> message) {
            sent.add(new Sent(message, System.nanoTime()));
        }

        List<Map<String, Object>> all() {
            return sent.stream().map(Sent::message).toList();
        }

        List<Map<String, Object>> responsesTo(Object id) {
            return all().stream().filter(m -> !m.containsKey("method") && Objects.equals(m.get("id"), id)).toList();
        }

        List<Map<String, Object>> notifications(String method) {
            return all().stream().filter(m -> method.equals(m.get("method"))).toList();
        }

        /** The one response with this id, already sent (requests other than tools/call are answered synchronously). */
        Map<String, Object> single(Object id) {
            assertThat(responsesTo(id)).as("responses to id %s", id).hasSize(1);
            return responsesTo(id).getFirst();
        }

        Map<String, Object> awaitResponse(Object id) {
            return awaitSent(id).message();
        }

        Sent awaitSent(Object id) {
            await().atMost(ANSWER).pollInterval(Duration.ofMillis(1)).until(() -> !responsesTo(id).isEmpty());
            Map<String, Object> response = single(id);
            return sent.stream().filter(s -> s.message() == response).findFirst().orElseThrow();
        }
    }

    /** Counts calls started and finished, as the daemon's registry would (B-L4). */
    static final class CountingObserver implements CallObserver {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();

        @Override
        public void callStarted() {
            started.incrementAndGet();
        }

        @Override
        public void callFinished() {
            finished.incrementAndGet();
        }

        int inFlight() {
            return started.get() - finished.get();
        }
    }
}
