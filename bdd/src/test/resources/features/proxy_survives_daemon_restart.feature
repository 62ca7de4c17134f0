@slow @proxy
Feature: A session survives its daemon being restarted
  When the daemon goes away under a live session (SIGTERM from a process-tree teardown, SIGKILL, a crash) the
  proxy answers every call that was in flight, serves the session itself, and then moves it back to a daemon,
  without the host noticing more than an answer (B-G3, B-G4, B-G5).
  Seed: a daemon SIGTERMed under live sessions; the old proxy died and an in-flight call hung forever.

  Background:
    Given a scope where no daemon runs

  @B-G3 @B-G4 @B-G5
  Scenario Outline: The daemon is killed with <signal> mid-call
    Given a proxy whose session is served by the daemon
    And a call to a read-only tool that takes 3 seconds is in flight
    When the daemon is killed with <signal>
    Then the call in flight is answered within 5 seconds
    And the next call succeeds within 5 seconds
    And within 15 seconds the session is served by a new daemon whose status lists this proxy

    Examples:
      | signal  |
      | SIGTERM |
      | SIGKILL |

  @B-G3
  Scenario: A call that changes state is not run again after the daemon died under it
    Given a proxy whose session is served by the daemon
    And a call to a tool that changes state and takes 3 seconds is in flight
    When the daemon is killed with SIGKILL
    Then the call in flight is answered within 5 seconds with an error saying it may have run
