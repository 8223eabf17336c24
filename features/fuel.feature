@fuel
Feature: Fuel pumps
  A pump checks the card with $1, or pre-authorizes up to $175, before it
  dispenses; the amount dispensed clears later, above the $1 check or
  below the $175 pre-authorization.

  Scenario Outline: A $1 status check, then the dispensed amount clears
    Given a cardholder with $100.00
    When a pre-authorization for $1.00 arrives from a fuel pump
    Then it is approved
    And the cardholder has $99.00 available, $100.00 on the ledger and $1.00 pending
    When the authorization clears for <dispensed>
    Then the cardholder has <left> available, <left> on the ledger and $0.00 pending

    Examples:
      | dispensed | left   |
      | $45.30    | $54.70 |
      | $1.00     | $99.00 |

  Scenario Outline: A $175 pre-authorization, an advice for what was dispensed, then the clearing
    Given a cardholder with $200.00
    When a pre-authorization for $175.00 arrives from a fuel pump
    Then it is approved
    When an advice lowers the authorization to <dispensed>
    Then the cardholder has <available> available, $200.00 on the ledger and <dispensed> pending
    When the authorization clears for <dispensed>
    Then the cardholder has <available> available, <available> on the ledger and $0.00 pending

    Examples:
      | dispensed | available |
      | $62.40    | $137.60   |
      | $20.00    | $180.00   |

  Scenario: A $175 pre-authorization is declined when the balance is lower
    Given a cardholder with $100.00
    When a pre-authorization for $175.00 arrives from a fuel pump
    Then it is declined with INSUFFICIENT_FUNDS
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending
