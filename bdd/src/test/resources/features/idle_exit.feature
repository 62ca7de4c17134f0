@slow @transport-unix
Feature: Idle exit
  With zero clients and zero calls in flight the daemon exits after its idle timeout; any client disarms the timer,
  which never fires mid-handshake or mid-call (B-L1, B-L4, B-L6). Seed: an idle timer that fired during a hello,
  and phantom clients that closed before their hello and kept the daemon alive forever.

  Background:
    Given a daemon with an idle timeout of 2 seconds and a hello timeout of 10 seconds

  @B-L1 @B-L4 @B-L6
  Scenario: A client that closes before its hello leaves no trace and the idle timer still fires
    When a client connects and closes before saying hello
    Then the daemon lists no client but the one asking
    And the daemon exits by itself within 5 seconds with status 0
    And its exit history says "idle"

  @B-L4
  Scenario: The idle timer never fires during a handshake
    When a client connects and stays silent for 4 seconds
    Then the daemon is still running
    And the client's ping is answered
    When the client disconnects
    Then the daemon exits by itself within 5 seconds with status 0

  @B-L4 @B-L6
  Scenario: The idle timer never fires during a call
    When a client calls a tool that takes 4 seconds
    Then the call is answered with its result, not an error
    And the daemon was running all along
    When the client disconnects
    Then the daemon exits by itself within 5 seconds with status 0
    And its exit history says "idle"
