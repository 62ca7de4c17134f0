package dev.mcpd.bdd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.testing.TestTime;
import io.cucumber.java.After;
import io.cucumber.java.en.And;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.time.Duration;

/** Steps of {@code container_management.feature}, in a person's words; they talk only to {@link ContainersWorld}. */
public class ContainerSteps {

    private static final String NOWHERE = "/tmp/mcpd-bdd-no-runtime.sock";

    private final ContainersWorld world = new ContainersWorld();

    @After("@containers")
    public void cleanUp() throws Exception {
        world.cleanUp();
    }

    @Given("a container runtime is running")
    public void runtimeRunning() throws Exception {
        world.start();
        assertThat(world.runtimeIsThere()).as("no Podman service at " + ContainersWorld.SOCKET
                + ": run scripts/setup-podman.sh").isTrue();
    }

    @When("I run a container {string} that prints {string}")
    public void runPrinting(String name, String text) throws Exception {
        run(name, "echo " + text + "; trap 'exit 0' TERM; while true; do sleep 0.1; done");
    }

    @Given("a running container {string} that exits on SIGTERM")
    public void runPolite(String name) throws Exception {
        run(name, "trap 'exit 0' TERM; while true; do sleep 0.1; done");
    }

    @Given("a running container {string} that ignores SIGTERM")
    public void runStubborn(String name) throws Exception {
        // No init and PID 1 without a TERM handler: the kernel drops SIGTERM, only SIGKILL ends it.
        ContainersWorld.Outcome outcome = world.mcpd("containers", "run", "--name", world.name(name), "-l", "dev.mcpd.test=1",
                "--network", "none", ContainersWorld.IMAGE, "sh", "-c", "trap '' TERM; while true; do sleep 0.1; done");
        assertThat(outcome.exitCode()).as(outcome.stderr()).isZero();
    }

    private void run(String name, String script) throws Exception {
        ContainersWorld.Outcome outcome = world.mcpd("containers", "run", "--name", world.name(name), "-l", "dev.mcpd.test=1",
                "--network", "none", "--init", ContainersWorld.IMAGE, "sh", "-c", script);
        assertThat(outcome.exitCode()).as(outcome.stderr()).isZero();
    }

    @When("I stop {string} giving it {int} seconds")
    public void stop(String name, int seconds) throws Exception {
        world.mcpd("containers", "stop", "-t", Integer.toString(seconds), world.name(name));
    }

    @When("I list the containers")
    public void list() throws Exception {
        world.mcpd("containers", "ls");
    }

    @Given("the runtime address points at a socket where nothing listens")
    public void runtimeDown() {
        world.pointRuntimeAt(NOWHERE);
    }

    @Then("the container list shows {string}")
    public void listShows(String name) throws Exception {
        ContainersWorld.Outcome outcome = world.mcpd("containers", "ls");
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout()).contains("CONTAINER ID").contains(world.name(name));
    }

    @And("the logs of {string} say {string}")
    public void logsSay(String name, String text) throws Exception {
        ContainersWorld.Outcome outcome = world.mcpd("containers", "logs", world.name(name));
        assertThat(outcome.stdout()).contains(text);
    }

    @Then("the stop returns within {int} seconds")
    public void stopReturnsWithin(int seconds) {
        assertThat(world.last().exitCode()).as(world.last().stderr()).isZero();
        assertThat(world.last().took()).isLessThan(TestTime.scaled(Duration.ofSeconds(seconds)));
    }

    @And("{string} is no longer running")
    public void notRunning(String name) throws Exception {
        ContainersWorld.Outcome outcome = world.mcpd("containers", "ls");
        assertThat(outcome.stdout()).doesNotContain(world.name(name));
    }

    @Then("the last command succeeds and says {string}")
    public void succeedsSaying(String text) {
        assertThat(world.last().exitCode()).isZero();
        assertThat(world.last().stdout()).contains(text);
    }

    @Then("the last command fails and says {string}")
    public void failsSaying(String text) {
        assertThat(world.last().exitCode()).isEqualTo(1);
        assertThat(world.last().stderr()).contains(text);
    }

    @Then("the last command fails within {int} seconds and names the socket it tried")
    public void failsNamingSocket(int seconds) {
        assertThat(world.last().exitCode()).isEqualTo(1);
        assertThat(world.last().stderr()).contains(NOWHERE);
        assertThat(world.last().took()).isLessThan(TestTime.scaled(Duration.ofSeconds(seconds)));
    }
}
