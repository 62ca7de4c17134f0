@close-speed
Feature: Socket close speed
  A connection handler of the daemon finishes within 100 ms of its last write, whatever the peer does,
  and stopping the server never waits for peers (B-C1, B-C2), on every transport this platform has (B-T1).
  Seed: a stop_container that the daemon finished at once but that reached the user a minute later,
  because the handler waited for the peer to acknowledge the socket close.

  @B-C1 @B-T1
  Scenario Outline: The connection is closed at once after the daemon's last answer
    Given the daemon's <transport> transport is listening
    And a peer process that <behaviour>
    When the daemon answers the peer and is done with the connection
    Then the connection is closed within 100 ms of the handler's last write
    And the peer process is still running

    @transport-unix
    Examples: Unix socket
      | transport   | behaviour              |
      | Unix socket | never reads            |
      | Unix socket | reads but never closes |
      | Unix socket | is frozen with SIGSTOP |

    @transport-tcp
    Examples: TCP
      | transport   | behaviour              |
      | TCP         | never reads            |
      | TCP         | reads but never closes |
      | TCP         | is frozen with SIGSTOP |

  @B-C1 @B-T1
  Scenario Outline: A handler that fails closes the connection at once too
    Given the daemon's <transport> transport is listening
    And a peer process that never reads
    When the handler writes a response and then fails
    Then the connection is closed within 100 ms of the handler's last write

    @transport-unix
    Examples: Unix socket
      | transport   |
      | Unix socket |

    @transport-tcp
    Examples: TCP
      | transport   |
      | TCP         |

  @B-C2 @B-T1
  Scenario Outline: Stopping the server does not wait for its peers
    Given the daemon's <transport> transport is listening
    And 3 peer processes that never close
    When the server is stopped forcefully
    Then the stop returns within 100 ms
    And every connection is closed within 100 ms

    @transport-unix
    Examples: Unix socket
      | transport   |
      | Unix socket |

    @transport-tcp
    Examples: TCP
      | transport   |
      | TCP         |
