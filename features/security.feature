@security
Feature: Credentials and signatures
  The gateway listens only to Marqeta: a JIT request or a webhook with the
  wrong Basic auth, or a webhook whose signature does not match, is refused
  and books nothing.

  Background:
    Given a cardholder with $100.00

  Scenario: A JIT request with the wrong password is refused, and the network declines
    Given Marqeta calls the gateway with a wrong password
    When an authorization for $40.00 arrives
    Then the gateway refused the credentials
    And it is declined
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario: A JIT request without credentials is refused and books nothing
    When a JIT request for $40.00 arrives without credentials
    Then the gateway refused it
    And the cardholder has $100.00 available, $100.00 on the ledger and $0.00 pending

  Scenario: Webhooks with the wrong password are refused, then booked when Marqeta retries
    When an authorization for $40.00 arrives
    And the authorization clears for $40.00
    And the webhooks are delivered with a wrong password
    Then the cardholder has $60.00 available, $100.00 on the ledger and $40.00 pending
    When Marqeta retries the webhooks
    Then the cardholder has $60.00 available, $60.00 on the ledger and $0.00 pending

  @webhook-secret
  Scenario: A webhook signed with another secret is refused and books nothing
    Given Marqeta holds back the webhooks
    When an authorization for $40.00 arrives
    And the authorization clears for $40.00
    And the clearing webhook arrives signed with another secret
    Then the gateway refused it
    And the cardholder has $60.00 available, $100.00 on the ledger and $40.00 pending
    When the webhooks are delivered
    Then the cardholder has $60.00 available, $60.00 on the ledger and $0.00 pending

  @webhook-secret
  Scenario: A webhook without a signature is refused and books nothing
    Given Marqeta holds back the webhooks
    When an authorization for $40.00 arrives
    And the authorization clears for $40.00
    And the clearing webhook arrives without a signature
    Then the gateway refused it
    And the cardholder has $60.00 available, $100.00 on the ledger and $40.00 pending
