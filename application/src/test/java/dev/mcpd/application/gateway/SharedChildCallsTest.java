package dev.mcpd.application.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.application.gateway.SharedChildCalls.Call;
import dev.mcpd.application.jsonrpc.RequestId;
import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One shared child's id space: two sessions with the same ids and tokens never cross (ADR 0016, decision 3). */
class SharedChildCallsTest {

    private static final RequestId ONE = new RequestId.Number(BigInteger.ONE);

    private final SharedChildCalls<String> calls = new SharedChildCalls<>();

    @Test
    void twoSessionsUsingTheSameIdAndTokenEachGetOnlyTheirOwnProgressAndResult() {
        Call<String> a = calls.begin("A", ONE, "1");
        Call<String> b = calls.begin("B", ONE, "1");

        assertThat(a.childId()).isNotEqualTo(b.childId());
        assertThat(a.childToken()).isNotEqualTo(b.childToken()).isNotEqualTo("1");
        assertThat(calls.progress(a.childToken())).map(Call::session).contains("A");
        assertThat(calls.progress(b.childToken())).map(Call::session).contains("B");
        assertThat(calls.complete(b.childRequestId())).map(Call::session).contains("B");
        assertThat(calls.complete(a.childRequestId())).map(Call::hostId).contains(ONE);
        assertThat(calls.inFlight()).isZero();
    }

    @Test
    void aCancelReachesOnlyTheCallersCallAndDropsItsProgressAndLateResult() {
        Call<String> a = calls.begin("A", ONE, "1");
        Call<String> b = calls.begin("B", ONE, "1");

        Optional<Call<String>> cancelled = calls.cancel("A", ONE);

        assertThat(cancelled).map(Call::childId).contains(a.childId());
        assertThat(calls.progress(a.childToken())).isEmpty();
        assertThat(calls.complete(a.childRequestId())).isEmpty();
        assertThat(calls.progress(b.childToken())).map(Call::session).contains("B");
        assertThat(calls.cancel("A", ONE)).isEmpty();
    }

    @Test
    void aServerToClientRequestBelongsOnlyToAUniqueSessionWithCallsInFlight() {
        assertThat(calls.uniqueOwner()).isEmpty();
        calls.begin("A", ONE, null);
        calls.begin("A", new RequestId.Text("x"), null);
        assertThat(calls.uniqueOwner()).contains("A");
        calls.begin("B", ONE, null);
        assertThat(calls.uniqueOwner()).isEmpty();
    }

    @Test
    void anIdAlreadyInFlightInASessionIsRefusedAndStringAndNumberIdsDiffer() {
        calls.begin("A", ONE, null);

        assertThatThrownBy(() -> calls.begin("A", ONE, null)).isInstanceOf(IllegalStateException.class);
        assertThat(calls.begin("A", new RequestId.Text("1"), null).childId()).isPositive();
    }

    @Test
    void anEndedSessionOrADeadChildHandsBackItsCallsToAnswer() {
        Call<String> a = calls.begin("A", ONE, "t");
        calls.begin("B", ONE, null);

        assertThat(calls.endSession("A")).containsExactly(a);
        assertThat(calls.progress(a.childToken())).isEmpty();
        assertThat(calls.failAll()).extracting(Call::session).containsExactly("B");
        assertThat(calls.inFlight()).isZero();
    }

    @Test
    void aResponseWithAnIdTheGatewayNeverGaveIsNotAnyonesCall() {
        calls.begin("A", ONE, null);

        assertThat(calls.complete(new RequestId.Text("1"))).isEmpty();
        assertThat(calls.complete(new RequestId.Number(BigInteger.TEN.pow(30)))).isEmpty();
        assertThat(calls.progress(42)).isEmpty();
    }
}
