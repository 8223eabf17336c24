@duplicates
Feature: Duplicated messages
  A JIT request may arrive twice, and every webhook is delivered at least
  once. The gateway gives the same answer to the same JIT request and books
  each transaction once.

  Background:
    Given a cardholder with $100.00

  Scenario: A duplicated authorization request gets the same approval and one hold
    When an authorization for $40.00 arrives
    And Marqeta sends the same JIT request again
    Then the cardholder has $60.00 available, $100.00 on the ledger and $40.00 pending

  Scenario: A duplicated declined request is declined again
    When an authorization for $150.00 arrives
    And Marqeta sends the same JIT request again
    Then the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario: A duplicated incremental request raises the hold once
    When an authorization for $40.00 arrives
    And an incremental authorization for $20.00 arrives
    And Marqeta sends the same JIT request again
    Then the cardholder has $40.00 available, $100.00 on the ledger and $60.00 pending

  Scenario: A duplicated PIN debit moves the money once
    When a PIN debit for $20.00 arrives
    And Marqeta sends the same JIT request again
    Then the cardholder has $80.00 available, $80.00 on the ledger and $0.00 pending

  Scenario Outline: Webhooks delivered twice are booked once
    When an authorization for $40.00 arrives
    And the authorization clears for <cleared>
    And every webhook is delivered twice
    Then the cardholder has <left> available, <left> on the ledger and $0.00 pending

    Examples:
      | cleared | left   |
      | $40.00  | $60.00 |
      | $45.50  | $54.50 |

  Scenario: A refund delivered twice credits once
    When an unlinked refund of $15.00 arrives
    And every webhook is delivered twice
    Then the cardholder has $115.00 available, $115.00 on the ledger and $0.00 pending

  Scenario: A stand-in approval delivered twice holds once
    Given Marqeta is in Commando Mode
    When an authorization for $30.00 arrives
    And every webhook is delivered twice
    Then the cardholder has $70.00 available, $100.00 on the ledger and $30.00 pending
