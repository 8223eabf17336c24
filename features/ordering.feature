@ordering
Feature: Webhooks out of order
  Webhook order is not guaranteed: a clearing or a reversal may arrive
  before its authorization's webhook. The ledger must end the same.

  Background:
    Given a cardholder with $100.00
    And Marqeta holds back the webhooks

  Scenario: A clearing that arrives before its authorization's webhook
    When an authorization for $40.00 arrives
    And the authorization clears for $40.00
    And the webhooks are delivered newest first
    Then the cardholder has $60.00 available, $60.00 on the ledger and $0.00 pending

  Scenario: A reversal that arrives before its authorization's webhook
    When an authorization for $40.00 arrives
    And the merchant reverses the authorization
    And the webhooks are delivered newest first
    Then the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario: Multi-clearings delivered final first
    When an authorization for $60.00 arrives
    And clearing 1 of 2 arrives for $25.00
    And clearing 2 of 2 arrives for $30.00
    And the webhooks are delivered newest first
    Then the cardholder has $45.00 available, $45.00 on the ledger and $0.00 pending

  Scenario: A stand-in approval whose clearing arrives first
    Given Marqeta is in Commando Mode
    When an authorization for $30.00 arrives
    And the authorization clears for $30.00
    And the webhooks are delivered newest first
    Then the cardholder has $70.00 available, $70.00 on the ledger and $0.00 pending
