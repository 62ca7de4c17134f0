@slow @containers
Feature: Container management
  People list, run, stop and read the logs of containers from their MCP host or from the shell, through the
  shared daemon, which talks to the container runtime's own API (Docker or Podman) (B-B1, B-B2, B-M6).
  Seed: a stop_container that the daemon finished at once but that reached the user a minute later.

  Background:
    Given a container runtime is running

  @B-B1
  Scenario: A container that was started is listed, with its logs
    When I run a container "hello" that prints "ready"
    Then the container list shows "hello"
    And the logs of "hello" say "ready"

  @B-B2
  Scenario: Stopping a container returns as soon as the runtime has stopped it
    Given a running container "polite" that exits on SIGTERM
    When I stop "polite" giving it 10 seconds
    Then the stop returns within 3 seconds
    And "polite" is no longer running

  @B-B2
  Scenario: A container that ignores SIGTERM is stopped at its timeout
    Given a running container "stubborn" that ignores SIGTERM
    When I stop "stubborn" giving it 1 seconds
    Then the stop returns within 4 seconds
    And "stubborn" is no longer running

  @B-B2
  Scenario: Stopping a container that is already stopped is not an error
    Given a running container "twice" that exits on SIGTERM
    When I stop "twice" giving it 10 seconds
    And I stop "twice" giving it 10 seconds
    Then the last command succeeds and says "already stopped"

  @B-M6
  Scenario: An unknown container is a clear error
    When I stop "no-such-container-here" giving it 1 seconds
    Then the last command fails and says "no such container"

  @B-B1 @B-M6
  Scenario: A runtime that is down is a clear error, not a hang
    Given the runtime address points at a socket where nothing listens
    When I list the containers
    Then the last command fails within 5 seconds and names the socket it tried
