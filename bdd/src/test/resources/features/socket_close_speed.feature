@close-speed
Feature: Socket close speed
  A connection handler of the daemon finishes within 100 ms of its last write, whatever the peer does,
  and stopping the server never waits for peers (B-C1, B-C2), on every transport this platform has (B-T1).
  Seed: a stop_container that the daemon finished at once but that reached the user a minute later,
  because the handler waited for the peer to acknowledge the socket close.

  Scenario Outline: The handler closes the connection at once after its last write
    Given the daemon's <transport> transport is listening
    And a peer process that <behaviour>
    When the handler writes a response and returns
    Then the connection is closed within 100 ms of the handler's last write
    And the peer process is still running

    Examples:
      | transport   | behaviour              |
      | Unix socket | never reads            |
      | Unix socket | reads but never closes |
      | Unix socket | is frozen with SIGSTOP |
      | TCP         | never reads            |
      | TCP         | reads but never closes |
      | TCP         | is frozen with SIGSTOP |

  Scenario Outline: A handler that fails closes the connection at once too
    Given the daemon's <transport> transport is listening
    And a peer process that never reads
    When the handler writes a response and then fails
    Then the connection is closed within 100 ms of the handler's last write

    Examples:
      | transport   |
      | Unix socket |
      | TCP         |

  Scenario Outline: Stopping the server does not wait for its peers
    Given the daemon's <transport> transport is listening
    And 3 peer processes that never close
    When the server is stopped forcefully
    Then the stop returns within 100 ms
    And every connection is closed within 100 ms

    Examples:
      | transport   |
      | Unix socket |
      | TCP         |
