@slow @transport-unix
Feature: Client liveness
  The daemon knows each client's proxy and host process and drops a client whose process has died: promptly when the
  exit is observed, and at the latest at the next liveness sweep, even when the socket close is never delivered
  (B-L1, B-L2, B-L3). Seed: phantom clients that kept a daemon alive for days after their editor was closed.

  @B-L2 @B-L3
  Scenario: A host that dies is reaped promptly through its exit
    Given a daemon whose liveness sweep runs every 30 seconds
    And a proxy serving a host process
    When the host process dies
    Then the daemon no longer lists the client within 1 second
    And "mcpd daemon status --json" agrees

  @B-L3
  Scenario: A proxy killed while its child holds its socket open is reaped by the next sweep at the latest
    Given a daemon whose liveness sweep runs every 500 milliseconds
    And a client whose socket is also held open by its own child process
    When the client process is killed with SIGKILL
    Then the daemon no longer lists the client within 1500 milliseconds
    And the process holding the client's socket is still running

  @B-L2 @B-L3
  Scenario: A client whose host pid names no process at the sweep is dropped though its connection stays open
    Given a daemon whose liveness sweep runs every 500 milliseconds
    And a client that says hello naming a host process
    When the host process dies
    Then the daemon no longer lists the client within 1500 milliseconds
    And the daemon has closed that client's connection

  @B-L2 @B-L3
  Scenario: A hello naming a host that has already exited is refused at once
    Given a daemon whose liveness sweep runs every 30 seconds
    When a client says hello naming a host process that has already exited
    Then the daemon answers it with an error saying the host is not running
    And the daemon has closed that client's connection
    And the daemon lists no client but the one asking

  @B-L1 @B-W3
  Scenario: A connection that says nothing within the hello timeout is closed and leaves no trace
    Given a daemon with an idle timeout of 60 seconds and a hello timeout of 1 seconds
    When a client connects and stays silent for 2 seconds
    Then the daemon has closed that client's connection
    And the daemon lists no client but the one asking
