@incremental
Feature: Incremental authorization
  Hotels and car rentals raise an open authorization. Each increment is a
  decision of its own, and the hold grows by what is approved.

  Background:
    Given a cardholder with $100.00
    And an authorization for $40.00 arrives from merchant category 7011

  Scenario: Two increments raise the hold and the clearing settles the total
    When an incremental authorization for $20.00 arrives
    Then it is approved
    When an incremental authorization for $10.00 arrives
    Then the cardholder has $30.00 available, $100.00 on the ledger and $70.00 pending
    When the authorization clears for $65.00
    Then the cardholder has $35.00 available, $35.00 on the ledger and $0.00 pending

  Scenario: An increment beyond the balance is declined and the hold stays as it was
    When an incremental authorization for $60.01 arrives
    Then it is declined with INSUFFICIENT_FUNDS
    And the cardholder has $60.00 available, $100.00 on the ledger and $40.00 pending

  Scenario: An increment for exactly what is left is approved
    When an incremental authorization for $60.00 arrives
    Then it is approved
    And the cardholder has $0.00 available, $100.00 on the ledger and $100.00 pending
