@malformed
Feature: Malformed input
  A request the gateway cannot read is rejected with a client error, never
  approved, and books nothing.

  Background:
    Given a cardholder with $100.00

  Scenario Outline: A malformed JIT request is rejected and books nothing
    When a JIT request arrives whose body is <problem>
    Then the gateway rejected it as malformed
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

    Examples:
      | problem               |
      | not JSON              |
      | truncated             |
      | empty                 |
      | an array              |
      | a word for the amount |

  Scenario Outline: A JIT request that cannot be approved is not approved
    When a JIT request arrives whose body is <problem>
    Then the gateway did not approve it
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

    Examples:
      | problem           |
      | a negative amount |
      | no jit_funding    |

  Scenario Outline: A malformed webhook is rejected and books nothing
    When a webhook arrives whose body is <problem>
    Then the gateway rejected it as malformed
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

    Examples:
      | problem               |
      | not JSON              |
      | truncated             |
      | a word for the amount |
      | a negative amount     |
