@slow @hyperd
Feature: SQL over a shared Hyper database server
  People load data and query it from their MCP host. The shared daemon runs one Hyper database server (hyperd) for
  every session; each query has a deadline and its own connection, so one slow query holds up nobody else
  (B-B3, B-M6, B-M8, B-E1).
  Seed: hyperd connections that went half-open and hung every tool call for up to two hours behind one engine mutex.

  Background:
    Given a daemon with the hyperd engine

  @B-B3
  Scenario: A CSV file loaded in one session can be queried from another
    Given a CSV file "sales.csv" with
      | region | amount |
      | north  | 10     |
      | south  | 4      |
      | north  | 2      |
    When one session loads "sales.csv" into the table "sales"
    And another session asks "SELECT region, sum(amount) AS total FROM sales GROUP BY region ORDER BY region"
    Then the answer has the rows
      | north | 12 |
      | south | 4  |

  @B-B3 @B-M6
  Scenario: A SQL error says what the server said, with its SQLSTATE
    When a session asks "SELECT * FROM no_such_table"
    Then the answer is an error that says "42P01"

  @B-B3 @B-M8
  Scenario: A stalled query blocks no other session
    Given one session runs a query that takes many seconds
    When another session asks "SELECT 42 AS answer"
    Then the answer comes within 1 second
    And the server status shows 1 busy connection, answered within 1 second

  @B-E1 @B-E3
  Scenario: No hyperd outlives the daemon
    Given a session has asked "SELECT 1 AS one"
    When the daemon is stopped
    Then no hyperd of that daemon is running 2 seconds later
