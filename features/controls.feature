@controls
Feature: Spend controls
  For gateways with spend controls, run with --tags @controls against a
  gateway configured like this:
    - merchant category 7995 (betting) is blocked;
    - the largest single authorization is $500.00;
    - at most 10 authorizations are approved per account per day.

  Background:
    Given a cardholder with $1,000.00

  Scenario: A blocked merchant category is declined
    When an authorization for $20.00 arrives from merchant category 7995
    Then it is declined with INVALID_MERCHANT
    And the cardholder has $1,000.00 available, $1,000.00 on the ledger and $0.00 pending

  Scenario Outline: The largest single authorization is $500.00
    When an authorization for <amount> arrives
    Then it is <verdict>

    Examples:
      | amount  | verdict                             |
      | $500.00 | approved                            |
      | $500.01 | declined with AMOUNT_LIMIT_EXCEEDED |

  Scenario: The eleventh authorization of the day is declined
    When 10 authorizations for $1.00 arrive
    And another authorization for $1.00 arrives
    Then it is declined with TRANSACTION_COUNT_LIMIT_EXCEEDED
    And the cardholder has $990.00 available, $1,000.00 on the ledger and $10.00 pending
