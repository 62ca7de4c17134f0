@slow @transport-unix
Feature: Graceful shutdown
  SIGTERM leads to one ordered shutdown: stop accepting, answer in-flight calls with an error, close every session
  and its engine resources (child processes terminated, then killed), remove the daemon's own files, exit 0, all
  within the grace period (B-E1, B-E2, B-E3). Seed: a shutdown that took tens of seconds and left children behind.

  @B-E1 @B-E2 @B-E3 @B-L6
  Scenario: SIGTERM with 50 sessions each holding a child process exits fast and leaves no child
    Given a daemon
    And 50 sessions that each hold a child process of the daemon
    When the daemon receives SIGTERM
    Then it exits within 1 second with status 0
    And none of the 50 child processes is left
    And the daemon's socket and discovery record are removed
    And its exit history says "SIGTERM"

  @B-E1 @B-E2
  Scenario: A call in flight at SIGTERM is answered with an error and the daemon still exits within the grace period
    Given a daemon with a shutdown grace period of 2 seconds
    And a client with a tool call in flight that would take a minute
    When the daemon receives SIGTERM
    Then the call is answered with a "shutting down" error
    And it exits within 2 seconds with status 0
    And the daemon's socket and discovery record are removed
