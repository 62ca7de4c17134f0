@slow @proxy
Feature: Cold start: one daemon per scope
  Proxies that find no daemon start one and wait for it; however many start together, the scope ends up with
  exactly one daemon, and a daemon killed without cleaning up is replaced by the next proxy (B-S1, B-S2, B-S3, B-S4, B-W5).
  Seed: two daemons racing to start on adjacent ports, doubling idle CPU.

  Background:
    Given a scope where no daemon runs

  @B-S1 @B-S3 @B-S4
  Scenario: Proxies started at the same instant converge on one daemon, every time
    Then 16 proxies started at the same instant are all served by one daemon within 60 seconds, 20 times in a row

  @B-S2 @B-S3 @B-S5
  Scenario: A SIGKILLed daemon's stale record and socket are recovered by the next proxy
    Given a daemon was started and then killed with SIGKILL, leaving its record and socket behind
    When a proxy starts
    Then within 30 seconds the proxy is served by a new daemon
    And the record names the new daemon

  @B-W5 @B-G4
  Scenario: A daemon of another version is never used
    Given a daemon of version "0.0.1-old" answers on the scope's socket
    When a proxy starts
    Then the proxy answers a ping within 30 seconds
    And the proxy said once on stderr that the daemon is version "0.0.1-old" and it serves in-process
    And the daemon of version "0.0.1-old" received none of the session's messages
    And the daemon of version "0.0.1-old" was asked to stop, as it served no other session
