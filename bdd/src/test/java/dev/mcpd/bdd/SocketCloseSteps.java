package dev.mcpd.bdd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.model.TransportKind;
import dev.mcpd.domain.testing.TestTime;
import io.cucumber.java.After;
import io.cucumber.java.en.And;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.time.Duration;

/** Steps of {@code socket_close_speed.feature}; every bound is scaled by {@code mcpd.test.time.multiplier}. */
public class SocketCloseSteps {

    private final TransportWorld world = new TransportWorld();
    private Process peer;
    private Duration stopTook;

    @After("@close-speed")
    public void cleanUp() throws Exception {
        world.cleanUp();
    }

    @Given("^the daemon's (Unix socket|TCP) transport is listening$")
    public void listening(String transport) throws Exception {
        world.listen(transport.equals("TCP") ? TransportKind.TCP : TransportKind.UNIX_SOCKET);
    }

    @Given("a peer process that never reads")
    public void neverReads() throws Exception {
        peer = world.startPeer("never-reads");
        world.awaitAccepted(1);
    }

    @Given("a peer process that reads but never closes")
    public void neverCloses() throws Exception {
        peer = world.startPeer("never-closes");
        world.awaitAccepted(1);
    }

    @Given("a peer process that is frozen with SIGSTOP")
    public void frozen() throws Exception {
        peer = world.startPeer("never-reads");
        world.awaitAccepted(1);
        world.freeze(peer);
    }

    @Given("{int} peer processes that never close")
    public void peersThatNeverClose(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            world.startPeer("never-closes");
        }
        world.awaitAccepted(count);
    }

    @When("the daemon answers the peer and is done with the connection")
    public void handlerReturns() {
        world.handlerEnds(TransportWorld.Ending.RETURN);
    }

    @When("the handler writes a response and then fails")
    public void handlerFails() {
        world.handlerEnds(TransportWorld.Ending.FAIL);
    }

    @When("the server is stopped forcefully")
    public void stopForcefully() {
        stopTook = world.stopForcefully();
    }

    @Then("the connection is closed within {int} ms of the handler's last write")
    public void closedWithin(int millis) {
        Duration bound = TestTime.millis(millis);
        assertThat(world.closedAfterLastWrite(bound)).isLessThan(bound);
    }

    @And("the peer process is still running")
    public void peerStillRunning() {
        assertThat(peer.isAlive()).as("the peer never closed: the server did not wait for it").isTrue();
    }

    @Then("the stop returns within {int} ms")
    public void stopReturnedWithin(int millis) {
        assertThat(stopTook).isLessThan(TestTime.millis(millis));
    }

    @And("every connection is closed within {int} ms")
    public void everyConnectionClosed(int millis) {
        Duration bound = TestTime.millis(millis);
        assertThat(world.untilNoConnection(bound)).isLessThan(bound);
        assertThat(world.peers()).allMatch(Process::isAlive);
    }
}
