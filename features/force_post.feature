@forcepost
Feature: Force post
  A force post is a clearing with no authorization: the network does not
  ask, and the gateway debits the ledger, even past the balance.

  Scenario: A force post debits the ledger
    Given a cardholder with $100.00
    When a force post of $12.00 arrives
    Then the cardholder has $88.00 available, $88.00 on the ledger and $0.00 pending

  Scenario: A force post above the balance overdraws the account
    Given a cardholder with $100.00
    When a force post of $120.00 arrives
    Then the cardholder has -$20.00 available, -$20.00 on the ledger and $0.00 pending

  Scenario: A force post leaves an open authorization's hold alone
    Given a cardholder with $100.00
    And an authorization for $30.00 arrives
    When a force post of $12.00 arrives
    Then the cardholder has $58.00 available, $88.00 on the ledger and $30.00 pending
