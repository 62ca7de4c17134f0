@transport-tcp
Feature: A daemon reached over TCP
  A daemon in a container or on another host listens on TCP. Only a client that presents the token from the
  daemon's daemon.json gets in; any other is told why and closed at once (B-T3). Both ends of a connection keep
  TCP keepalive on, so a vanished peer is found in about 90 s, not two hours (B-T4).

  Background:
    Given a daemon listening on TCP on a free loopback port

  @B-T3 @B-T4
  Scenario: A host's proxy with the token is served by that daemon
    When a host starts "mcpd serve --mcp --connect" with the daemon's daemon.json as its token file
    Then daemon_status answers from the daemon listening on TCP
    And the daemon lists that client on transport "tcp"
    And the kernel shows a keepalive timer on the daemon's side of the connection

  @B-T3
  Scenario Outline: A client without the right token is refused at once, with a reason
    When a client connects over TCP and sends <first line>
    Then it reads an error saying "<reason>"
    And the connection is closed at once
    And the daemon log names the refused client's address and not the token

    Examples:
      | first line                 | reason                  |
      | a hello with a wrong token | wrong token             |
      | a hello without a token    | no token                |
      | an MCP request             | not a client hello      |
