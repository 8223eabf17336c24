@advice
Feature: Authorization advice
  An advice tells the gateway the authorization's new, lower total; the
  difference is released at once, the rest waits for the clearing.

  Background:
    Given a cardholder with $100.00
    And an authorization for $75.00 arrives

  Scenario: An advice lowers the hold and the clearing settles the new total
    When an advice lowers the authorization to $52.10
    Then the cardholder has $47.90 available, $100.00 on the ledger and $52.10 pending
    When the authorization clears for $52.10
    Then the cardholder has $47.90 available, $47.90 on the ledger and $0.00 pending

  Scenario: An advice to zero releases the whole hold
    When an advice lowers the authorization to $0.00
    Then the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending
