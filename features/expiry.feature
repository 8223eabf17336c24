@expiry
Feature: Expiry
  An authorization the merchant never clears expires (issuer expiration)
  and whatever it still holds is released.

  Background:
    Given a cardholder with $100.00

  Scenario: An authorization never cleared expires and its hold is released
    Given an authorization for $30.00 arrives
    When the authorization expires
    Then the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario: An expiry releases the increments too
    Given an authorization for $40.00 arrives from merchant category 7011
    And an incremental authorization for $25.00 arrives
    When the authorization expires
    Then the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario: A partly reversed authorization expires
    Given an authorization for $50.00 arrives
    And the merchant reverses $20.00 of the authorization
    When the authorization expires
    Then the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending
