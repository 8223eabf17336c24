@funding @adapter
Feature: Funding through the adapter
  The harness funds accounts through the gateway's adapter; a credit
  repeated with the same idempotency key counts once, and credited funds
  can be spent.

  Scenario: A credit repeated with the same idempotency key counts once
    Given a cardholder with $100.00
    When the account is credited $25.00 with idempotency key "top-up-1"
    And the account is credited $25.00 with idempotency key "top-up-1"
    Then the cardholder has $125.00 available, $125.00 on the ledger and $0.00 pending

  Scenario: Credited funds can be spent
    Given a cardholder with $10.00
    When the account is credited $40.00 with idempotency key "top-up-2"
    And an authorization for $50.00 arrives
    Then it is approved
    And the cardholder has $0.00 available, $50.00 on the ledger and $50.00 pending
