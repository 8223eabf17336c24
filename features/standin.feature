@standin
Feature: Stand-in
  When the gateway cannot answer, Marqeta may approve on its behalf
  (Commando Mode, manual or automatic). The gateway learns of that spend
  only from the webhook and must book it, even past the balance.

  Background:
    Given a cardholder with $100.00

  Scenario: A stand-in approval while the gateway is down is booked from the webhook
    Given Marqeta stands in when the gateway cannot be reached
    And the gateway is down
    When an authorization for $30.00 arrives
    Then Marqeta approved it on the gateway's behalf
    When the gateway is back up
    Then the cardholder has $70.00 available, $100.00 on the ledger and $30.00 pending

  @slow
  Scenario: A stand-in approval on a timeout is booked once, whatever the gateway decided late
    Given Marqeta stands in when the gateway times out
    And the gateway is too slow to answer within the timeout
    When an authorization for $30.00 arrives
    Then Marqeta approved it on the gateway's behalf
    And the cardholder has $70.00 available, $100.00 on the ledger and $30.00 pending

  Scenario: Manual Commando Mode approvals are booked, even past the balance
    Given Marqeta is in Commando Mode
    When an authorization for $150.00 arrives
    Then Marqeta approved it on the gateway's behalf
    And the cardholder has -$50.00 available, $100.00 on the ledger and $150.00 pending

  Scenario: A stand-in approval, then its clearing
    Given Marqeta is in Commando Mode
    When an authorization for $30.00 arrives
    And Commando Mode ends
    And the authorization clears for $30.00
    Then the cardholder has $70.00 available, $70.00 on the ledger and $0.00 pending
