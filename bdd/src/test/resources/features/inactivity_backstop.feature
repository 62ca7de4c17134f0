@slow @transport-unix
Feature: Inactivity backstop
  Past the inactivity backstop (no traffic for that long) the daemon exits even with clients attached, but only when
  none of them can be shown to be alive; a live but quiet client is never cut off (B-L5, B-L6).
  Seed: a backstop that killed live, quiet sessions; and phantoms that pinned a daemon alive.

  Background:
    Given a daemon with an inactivity backstop of 3 seconds and an idle timeout of 60 seconds

  @B-L5
  Scenario: A live client that sends nothing for longer than the backstop keeps the daemon alive
    Given a client that says hello naming a host process
    When nothing is sent for 5 seconds
    Then the daemon is still running
    And the daemon still lists the client

  @B-L5 @B-L6
  Scenario: A client whose processes are all dead lets the backstop fire
    Given a client whose connecting process has exited and whose hello names pid 1 as its host, with its socket held open
    Then the daemon exits by itself within 7 seconds with status 0
    And its exit history says "inactivity backstop"
