@reversal
Feature: Reversal
  A reversal releases all or part of an authorization's hold. After the
  final clearing there is nothing left to reverse, and the network sends no
  reversal.

  Background:
    Given a cardholder with $100.00
    And an authorization for $30.00 arrives

  Scenario: A full reversal releases the hold
    When the merchant reverses the authorization
    Then the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario Outline: A partial reversal releases part of the hold
    When the merchant reverses <reversed> of the authorization
    Then the cardholder has <available> available, $100.00 on the ledger and <held> pending

    Examples:
      | reversed | available | held   |
      | $10.00   | $80.00    | $20.00 |
      | $29.99   | $99.99    | $0.01  |

  Scenario: A partial reversal, then the clearing of the rest
    When the merchant reverses $10.00 of the authorization
    And the authorization clears for $20.00
    Then the cardholder has $80.00 available, $80.00 on the ledger and $0.00 pending

  Scenario: After the final clearing the network sends no reversal and nothing changes
    When the authorization clears for $30.00
    And the merchant tries to reverse the authorization
    Then the network refuses the reversal
    And the cardholder has $70.00 available, $70.00 on the ledger and $0.00 pending

  Scenario: A reversal after a partial clearing releases what is still held
    When clearing 1 of 2 arrives for $12.00
    And the merchant reverses the authorization
    Then the cardholder has $88.00 available, $88.00 on the ledger and $0.00 pending
