@pindebit
Feature: PIN debit
  A single-message PIN debit (or ATM withdrawal) moves the money at once:
  no hold, no clearing.

  Scenario Outline: A PIN debit within the balance is approved and debited at once
    Given a cardholder with $100.00
    When a PIN debit for <amount> arrives
    Then it is approved
    And the cardholder has <left> available, <left> on the ledger and $0.00 pending

    Examples:
      | amount  | left   |
      | $20.00  | $80.00 |
      | $100.00 | $0.00  |

  Scenario: A PIN debit above the balance is declined
    Given a cardholder with $100.00
    When a PIN debit for $100.01 arrives
    Then it is declined with INSUFFICIENT_FUNDS
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending
