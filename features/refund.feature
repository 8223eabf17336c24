@refund
Feature: Refund
  A refund credits the account, whether it names the purchase it refunds
  or not.

  Scenario: A refund linked to a clearing credits the account
    Given a cardholder with $100.00
    And an authorization for $30.00 arrives
    And the authorization clears for $30.00
    When the merchant refunds $10.00 of the clearing
    Then the cardholder has $80.00 available, $80.00 on the ledger and $0.00 pending

  Scenario Outline: An unlinked refund credits the account
    Given a cardholder with $100.00
    When an unlinked refund of <refund> arrives
    Then the cardholder has <after> available, <after> on the ledger and $0.00 pending

    Examples:
      | refund | after   |
      | $15.25 | $115.25 |
      | $0.01  | $100.01 |
