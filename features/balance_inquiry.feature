@inquiry
Feature: Balance inquiry
  An ATM or a point of sale asks for the balance; the gateway answers with
  the available and ledger balances and moves nothing.

  Scenario: A balance inquiry answers with the balances and moves nothing
    Given a cardholder with $100.00
    When a balance inquiry arrives
    Then it is approved
    And the balance inquiry answers $100.00 available and $100.00 on the ledger
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario: A balance inquiry counts open holds
    Given a cardholder with $100.00
    And an authorization for $42.17 arrives
    When a balance inquiry arrives
    Then it is approved
    And the balance inquiry answers $57.83 available and $100.00 on the ledger
