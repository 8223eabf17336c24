@timeouts @slow
Feature: A gateway that answers too late
  Marqeta waits timeout_millis for the gateway, then declines to the network
  and says so in the authorization webhook (gateway_log.timed_out). Whatever
  the gateway decided late, nothing may stay held.

  Background:
    Given a cardholder with $100.00

  Scenario: A gateway too slow to answer: declined, and nothing held
    Given the gateway is too slow to answer within the timeout
    When an authorization for $25.00 arrives
    Then Marqeta declined it after the timeout
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario: A late approval is released when the timeout webhook arrives
    Given the gateway's answers arrive after the timeout
    And Marqeta holds back the webhooks
    When an authorization for $25.00 arrives
    Then Marqeta declined it after the timeout
    When the webhooks are delivered
    Then the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario: A late request that reaches the gateway after the timeout webhook holds nothing
    Given the gateway's requests are held until after the timeout webhook
    When an authorization for $25.00 arrives
    And the webhooks are delivered
    And the late request finally reaches the gateway
    Then the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario: After a timeout the next authorization is decided as usual
    Given the gateway is too slow to answer within the timeout
    When an authorization for $25.00 arrives
    And the gateway is back up
    And the webhooks are delivered
    And another authorization for $100.00 arrives
    Then it is approved
    And the cardholder has $0.00 available, $100.00 on the ledger and $100.00 pending
