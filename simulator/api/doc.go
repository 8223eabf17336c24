// Package api is jitsim's fake Marqeta REST API: the Core API endpoints a
// JIT funding program uses, under /v3, over a simulator.Engine. Names,
// shapes and statuses follow CoreAPI.yaml; what the spec leaves out follows
// Marqeta's documentation, and what jitsim adds is marked "extension".
//
// # Conventions
//
// Every request carries HTTP Basic credentials: the application token as
// user, the admin access token as password (mqAppAndAccessToken); anything
// else is 401. Every answer is JSON. Errors are Marqeta's
// {"error_code": "400", "error_message": "..."} with the HTTP status as the
// (string) error_code: 400 invalid input (the message names the field), 401
// credentials, 404 unknown path or token, 405 method (with Allow), 409
// duplicate token, 413 body over Options.MaxBodyBytes, 415 a Content-Type
// that is not JSON (none at all is accepted), 422 with error_code "422600"
// a failed webhook ping, 500 a recovered panic.
//
// Bodies are decoded leniently, as Marqeta's API does: unknown fields are
// ignored; booleans may be "true"/"false" strings; integers and amounts may
// be numeric strings ("3000", "12.00"); strings may be given as numbers;
// null is absent. Malformed JSON, a value that cannot be coerced, or a
// missing required field is 400.
//
// Creates answer 201 with the object; reads and updates 200. Lists use
// Marqeta's envelope {"count", "start_index", "end_index", "is_more",
// "data"} with the count, start_index and sort_by query parameters
// (createdTime or lastModifiedTime, "-" for descending; each list's spec
// default). Cards show a masked PAN unless show_pan=true.
//
// # Endpoints
//
//	POST /cardproducts                     GET /cardproducts, GET|PUT /cardproducts/{token}
//	POST /users                            GET /users, GET|PUT /users/{token}
//	POST /cards                            GET /cards[?last_four=], GET|PUT /cards/{token}
//	GET  /cards/user/{token}
//	POST /cardtransitions                  state ACTIVE, SUSPENDED, TERMINATED (201, card_transition_response;
//	                                       409 for a transition token already used)
//	GET  /cardtransitions/{token}          one recorded transition, with the card as it stood after it
//	GET  /cardtransitions/card/{token}     a card's transitions (count 5, -createdTime; an unknown card has none)
//	POST /fundingsources/programgateway    GET|PUT /fundingsources/programgateway/{token}
//	PUT  /fundingsources/programgateway/customheaders/{token}
//	GET  /fundingsources/programgateway    (extension: list)
//	POST /webhooks                         GET /webhooks[?active=], GET|PUT /webhooks/{token}
//	POST /webhooks/{token}/ping            200 {"pings":[{"token":"marqeta","payload":"healthcheck"}]} when the
//	                                       endpoint answered 200 within 5 s, else 422 "422600"
//	GET  /webhooks/{token}/attempts        (extension) every delivery attempt, pings included, oldest
//	                                       first, in the list envelope (count defaults to 100)
//	GET  /commandomodes                    GET /commandomodes/{token}
//	POST /commandomodes                    (Commando Mode addendum, not in CoreAPI.yaml) create a control set:
//	                                       program_gateway_funding_source_token (required),
//	                                       real_time_standin_criteria, commando_mode_enables, current_state
//	PUT  /commandomodes/{token}            (addendum) replace the parts given
//	POST /commandomodes/transitions        (addendum) {commando_mode_token, transition: {commando_enabled,
//	                                       reason, channel, username}, name, token} → 201
//	                                       commando_mode_transition_response
//	GET  /commandomodes/transitions/{token}, GET /commandomodes/{token}/transitions
//	GET  /transactions/{token}
//	GET  /transactions?user_token=&card_token=&state=&type=   state defaults to PENDING,COMPLETION (spec)
//
// # Simulations 2.0
//
// POST /simulations/cardtransactions/{event} answers 201
// {"transaction": <transaction_model>} after the engine has run the event
// (calling the gateway's JIT endpoint where Marqeta would) and the webhook
// dispatcher has been flushed, so the transaction webhook has been tried
// when the answer arrives. A declined authorization is a 201 too, with state
// DECLINED. Body fields: card_token, amount, currency_code, network,
// card_acceptor {mid, mcc, name, address, city, state, zip (or
// postal_code), country_code (or country), partial_approval_capable},
// preceding_related_transaction_token, force_post, and the jitsim
// point-of-sale flags is_pre_auth (auth_request_model's name),
// partial_approval_capable and card_present, plus for multi-clearing
// multi_clearing_sequence_number and multi_clearing_sequence_count (1 of 2,
// 2 of 2: the clearing whose number equals the count is final).
//
//	authorization                       card_token, amount; amount 0 is an account verification
//	authorization.account_verification (extension) card_token: pgfs.authorization.account_verification
//	authorization.advice                preceding…, amount (the new total)
//	authorization.clearing              preceding…, amount (default: what is still held), multi-clearing
//	                                    fields; or force_post: true, card_token, amount and no preceding
//	                                    token (a force post, pgfs.force_capture)
//	authorization.reversal              preceding…, amount (default: all that is held)
//	authorization.reversal.issuerexpiration (extension) preceding…: the authorization expires
//	authorization.incremental           preceding…, amount (the increment)
//	refund                              preceding… (linked) or card_token (unlinked), amount
//	refund.authorization                preceding… (linked) or card_token (unlinked), amount: a pending
//	                                    credit (state PENDING, gpa_order_unload method
//	                                    pgfs.refund.authorization, no gpa.impacted_amount)
//	refund.authorization.advice         preceding… (the refund authorization), amount (the new, lower total)
//	refund.authorization.reversal       preceding…, amount (default: all that is pending); no money moves
//	refund.authorization.clearing       preceding… (the refund authorization), amount (default: what is
//	                                    pending): credits the card and closes it. With a preceding token
//	                                    that is not a refund authorization, or only card_token, it is a
//	                                    refund (as before refund authorizations were simulated)
//	pindebit, pindebit.atm.withdrawal   card_token, amount: single-message pgfs.auth_plus_capture
//	balanceinquiry, pindebit.balanceinquiry   card_token
//
// No refund event calls the gateway: the pgfs.refund* methods are
// informative (protocol.md §2), so refunds and refund authorizations reach
// it as webhooks only.
//
// Events mapped onto the closest engine flow (the transaction carries the
// engine's type): pindebit.authorization → authorization (card present);
// pindebit.authorization.clearing and .reversal → authorization.clearing and
// .reversal; pindebit.refund → refund; pindebit.reversal → a refund linked
// to the PIN debit (amount defaults to the debit's). authorization.cashback
// and chargebacks answer 400 saying the engine has no flow for them; any
// other name is 400 listing the events.
//
// # Legacy simulations
//
// The spec's /simulate endpoints answer 201 simulation_response_model
// {"transaction": ..., "raw_iso8583": {"request": {...}, "response": {...}}},
// where raw_iso8583 is a small informative picture of the network messages
// (MTI, processing code, amount, STAN, RRN, MCC, card acceptor id, approval
// and response codes), not real ISO 8583:
//
//	POST /simulate/authorization               card_token, amount, mid (or card_acceptor.mid), is_pre_auth…
//	POST /simulate/authorization/advice        original_transaction_token, amount
//	POST /simulate/clearing                    original_transaction_token, amount; is_refund: a linked
//	                                           refund; force_post: a force post on that transaction's card
//	                                           (or card_token's, then the original token may be omitted)
//	POST /simulate/reversal                    original_transaction_token, amount
//	POST /simulate/financial                   card_token, amount, mid: a PIN debit
//	POST /simulate/financial/withdrawal        the same (an ATM withdrawal is a PIN debit here)
//	POST /simulate/financial/balanceinquiry    card_token, mid, account_type (checking|savings|credit)
//
// /simulate/financial/advice, /simulate/financial/originalcredit and
// /simulate/directdeposits answer 400: the engine has no flow for them.
//
// A legacy request may carry the spec's optional webhook object
// {"endpoint", "username", "password", "secret"}: the transaction's webhook
// then goes to that endpoint as well — in addition to, not instead of, the
// registered /webhooks endpoints, so that a program's own webhook receivers
// (a JIT gateway's ledger) never miss an event because a test script asked
// for a copy elsewhere. It is sent with that Basic auth, signed
// (X-Marqeta-Signature, HMAC-SHA256) when a secret is given, batched,
// retried and recorded like any webhook, and tried before the answer, as
// the registered ones are. The endpoint must be an http(s) URL of at most
// 512 characters and username and password are required (400 otherwise,
// before the event happens); at most simulator.MaxWebhookTargets distinct
// endpoints per sandbox. An endpoint that is also registered gets the event
// twice (delivery is at-least-once anyway). Simulations 2.0 requests have no
// such object: a webhook field there is ignored like any unknown field.
package api
