@slow @proxy
Feature: The proxy ends when its host is gone
  A proxy lives as long as its host: it ends on stdin EOF, and a watchdog ends it when the host dies even though
  another process still holds its stdin open, or when the host never says anything (B-G1, B-G2).
  Seed: orphaned proxies left running after their host was SIGKILLed.

  Background:
    Given a scope where no daemon runs
    And the proxy watchdog checks every 500 ms

  @B-G1
  Scenario: The host is SIGKILLed while a sibling holds the proxy's stdin open
    Given a host that started a proxy which has answered it
    When the host is killed with SIGKILL
    Then the proxy exits within 3 seconds

  @B-G1
  Scenario: The host named past a launcher shim exits
    Given a proxy whose host is named by MCPD_HOST_PID and which has answered it
    When the named host is killed with SIGKILL
    Then the proxy exits within 3 seconds

  @B-G2
  Scenario: A host that never sends a byte
    Given the proxy startup window is 1 second
    When a proxy starts and its host sends nothing
    Then the proxy exits with status 0 within 10 seconds
