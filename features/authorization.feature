@authorization
Feature: Authorization
  A gateway approves a purchase when the cardholder's available balance
  covers it and holds the amount until the clearing; it declines with
  INSUFFICIENT_FUNDS when the balance does not cover it. A zero-amount
  account verification moves no money.

  Background:
    Given a cardholder with $100.00

  Scenario Outline: An authorization within the balance is approved and held
    When an authorization for <amount> arrives
    Then it is approved
    And the gateway answered HTTP 200
    And the cardholder has <available> available, $100.00 on the ledger and <amount> pending

    Examples:
      | amount | available |
      | $42.17 | $57.83    |
      | $0.01  | $99.99    |
      | $99.99 | $0.01     |

  Scenario: An authorization for exactly the balance is approved
    When an authorization for $100.00 arrives
    Then it is approved
    And the cardholder has $0.00 available, $100.00 on the ledger and $100.00 pending

  Scenario Outline: An authorization above the balance is declined for insufficient funds
    When an authorization for <amount> arrives
    Then it is declined with INSUFFICIENT_FUNDS
    And the gateway answered HTTP 402
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

    Examples:
      | amount  |
      | $100.01 |
      | $250.00 |

  Scenario: A second authorization sees the first one's hold
    When an authorization for $60.00 arrives
    And another authorization for $50.00 arrives
    Then it is declined with INSUFFICIENT_FUNDS
    And the cardholder has $40.00 available, $100.00 on the ledger and $60.00 pending

  Scenario: A zero-amount account verification is approved and moves nothing
    When a zero-amount account verification arrives
    Then it is approved
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  @adapter
  Scenario: The hold is visible through the adapter
    When an authorization for $42.17 arrives
    Then the gateway holds $42.17 for the authorization
