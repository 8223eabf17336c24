@clearing
Feature: Clearing
  The clearing settles an authorization: the ledger is debited by what
  cleared, in full even above the hold (a restaurant tip), and the hold is
  released. A multi-clearing releases the hold piece by piece, and what is
  left of it on the clearing marked final.

  Background:
    Given a cardholder with $100.00
    And an authorization for $50.00 arrives from merchant category 5812

  Scenario Outline: A clearing <how> the authorization debits what cleared and releases the hold
    When the authorization clears for <cleared>
    Then the cardholder has <left> available, <left> on the ledger and $0.00 pending

    Examples:
      | how                      | cleared | left   |
      | equal to                 | $50.00  | $50.00 |
      | below                    | $42.50  | $57.50 |
      | above (a 20% tip)        | $60.00  | $40.00 |

  Scenario: A multi-clearing releases the hold in steps and in full on the final clearing
    When clearing 1 of 2 arrives for $25.00
    Then the cardholder has $50.00 available, $75.00 on the ledger and $25.00 pending
    When clearing 2 of 2 arrives for $20.00
    Then the cardholder has $55.00 available, $55.00 on the ledger and $0.00 pending

  Scenario: A three-part multi-clearing that adds up to the authorization
    When clearing 1 of 3 arrives for $10.00
    And clearing 2 of 3 arrives for $15.00
    Then the cardholder has $50.00 available, $75.00 on the ledger and $25.00 pending
    When clearing 3 of 3 arrives for $25.00
    Then the cardholder has $50.00 available, $50.00 on the ledger and $0.00 pending
