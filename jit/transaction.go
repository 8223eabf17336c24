package jit

// Transaction is Marqeta's transaction object (transaction_model). The JIT
// funding request is one bare Transaction; a transaction webhook carries many
// in a WebhookEnvelope. Optional booleans are pointers so that an explicit
// false survives a round trip.
type Transaction struct {
	Type                                      string               `json:"type"`
	State                                     string               `json:"state"`
	Token                                     string               `json:"token"`
	UserToken                                 string               `json:"user_token,omitempty"`
	ActingUserToken                           string               `json:"acting_user_token,omitempty"`
	BusinessToken                             string               `json:"business_token,omitempty"`
	CardToken                                 string               `json:"card_token,omitempty"`
	CardProductToken                          string               `json:"card_product_token,omitempty"`
	PrecedingRelatedTransactionToken          string               `json:"preceding_related_transaction_token,omitempty"`
	IncrementalAuthorizationTransactionTokens []string             `json:"incremental_authorization_transaction_tokens,omitempty"`
	Amount                                    Amount               `json:"amount"`
	RequestAmount                             *Amount              `json:"request_amount,omitempty"`
	AmountToBeReleased                        *Amount              `json:"amount_to_be_released,omitempty"`
	CashBackAmount                            *Amount              `json:"cash_back_amount,omitempty"`
	CurrencyCode                              string               `json:"currency_code,omitempty"`
	ApprovalCode                              string               `json:"approval_code,omitempty"`
	Response                                  *Response            `json:"response,omitempty"`
	Network                                   string               `json:"network,omitempty"`
	Subnetwork                                string               `json:"subnetwork,omitempty"`
	Polarity                                  string               `json:"polarity,omitempty"`
	Duration                                  *int64               `json:"duration,omitempty"`
	CreatedTime                               string               `json:"created_time,omitempty"`
	UserTransactionTime                       string               `json:"user_transaction_time,omitempty"`
	SettlementDate                            string               `json:"settlement_date,omitempty"`
	IssuerReceivedTime                        string               `json:"issuer_received_time,omitempty"`
	LocalTransactionDate                      string               `json:"local_transaction_date,omitempty"`
	IsPreauthorization                        *bool                `json:"is_preauthorization,omitempty"`
	IsFinalClearing                           *bool                `json:"is_final_clearing,omitempty"`
	MultiClearingSequenceNumber               string               `json:"multi_clearing_sequence_number,omitempty"`
	MultiClearingSequenceCount                string               `json:"multi_clearing_sequence_count,omitempty"`
	StandinApprovedBy                         string               `json:"standin_approved_by,omitempty"`
	StandinBy                                 string               `json:"standin_by,omitempty"`
	StandinReason                             string               `json:"standin_reason,omitempty"`
	Acquirer                                  *Acquirer            `json:"acquirer,omitempty"`
	CardAcceptor                              *CardAcceptor        `json:"card_acceptor,omitempty"`
	POS                                       *POS                 `json:"pos,omitempty"`
	TransactionMetadata                       *TransactionMetadata `json:"transaction_metadata,omitempty"`
	GPA                                       *CardholderBalance   `json:"gpa,omitempty"`
	GPAOrder                                  *GPAOrder            `json:"gpa_order,omitempty"`
	GPAOrderUnload                            *GPAReturns          `json:"gpa_order_unload,omitempty"`
}

// JITFunding is the decision data of a funding request (jit_funding_api).
// Token, Method, UserToken and Amount are required by the spec; a gateway
// echoes them in its answer.
type JITFunding struct {
	Token                                    string                       `json:"token"`
	Method                                   string                       `json:"method"`
	UserToken                                string                       `json:"user_token"`
	ActingUserToken                          string                       `json:"acting_user_token,omitempty"`
	BusinessToken                            string                       `json:"business_token,omitempty"`
	Amount                                   Amount                       `json:"amount"`
	Memo                                     string                       `json:"memo,omitempty"`
	Tags                                     string                       `json:"tags,omitempty"`
	OriginalJITFundingToken                  string                       `json:"original_jit_funding_token,omitempty"`
	IncrementalAuthorizationJITFundingTokens []string                     `json:"incremental_authorization_jit_funding_tokens,omitempty"`
	AddressVerification                      *JITAddressVerification      `json:"address_verification,omitempty"`
	DeclineReason                            string                       `json:"decline_reason,omitempty"`
	Balances                                 map[string]CardholderBalance `json:"balances,omitempty"`
}

// JITResponse is the body a gateway answers a funding request with, on 200
// (approve) and on 402 (decline) alike (jit_program_response).
type JITResponse struct {
	JITFunding JITFunding `json:"jit_funding"`
}

// GPAOrder is the load-side funding order of a transaction (gpa_response);
// its JITFunding holds the decision data for authorizations.
type GPAOrder struct {
	Token                     string      `json:"token,omitempty"`
	Amount                    Amount      `json:"amount"`
	CreatedTime               string      `json:"created_time,omitempty"`
	LastModifiedTime          string      `json:"last_modified_time,omitempty"`
	TransactionToken          string      `json:"transaction_token,omitempty"`
	State                     string      `json:"state,omitempty"`
	Response                  *Response   `json:"response,omitempty"`
	Funding                   *Funding    `json:"funding,omitempty"`
	FundingSourceToken        string      `json:"funding_source_token,omitempty"`
	FundingSourceAddressToken string      `json:"funding_source_address_token,omitempty"`
	JITFunding                *JITFunding `json:"jit_funding,omitempty"`
	UserToken                 string      `json:"user_token,omitempty"`
	BusinessToken             string      `json:"business_token,omitempty"`
	CurrencyCode              string      `json:"currency_code,omitempty"`
	GatewayMessage            string      `json:"gateway_message,omitempty"`
	Memo                      string      `json:"memo,omitempty"`
	Tags                      string      `json:"tags,omitempty"`
}

// GPAReturns is the unload-side funding order (gpa_returns), used for
// refunds and other money returned to the gateway.
type GPAReturns struct {
	Token                     string      `json:"token,omitempty"`
	Amount                    Amount      `json:"amount"`
	CreatedTime               string      `json:"created_time,omitempty"`
	LastModifiedTime          string      `json:"last_modified_time,omitempty"`
	TransactionToken          string      `json:"transaction_token,omitempty"`
	OriginalOrderToken        string      `json:"original_order_token,omitempty"`
	State                     string      `json:"state,omitempty"`
	Response                  *Response   `json:"response,omitempty"`
	Funding                   *Funding    `json:"funding,omitempty"`
	FundingSourceToken        string      `json:"funding_source_token,omitempty"`
	FundingSourceAddressToken string      `json:"funding_source_address_token,omitempty"`
	JITFunding                *JITFunding `json:"jit_funding,omitempty"`
	Memo                      string      `json:"memo,omitempty"`
	Tags                      string      `json:"tags,omitempty"`
}

// Funding describes where the money of an order came from (funding).
type Funding struct {
	Amount     *Amount        `json:"amount,omitempty"`
	Source     *FundingSource `json:"source,omitempty"`
	GatewayLog *GatewayLog    `json:"gateway_log,omitempty"`
}

// FundingSource is funding_source_model; Type is "programgateway" under JIT.
type FundingSource struct {
	Type             string `json:"type"`
	Token            string `json:"token,omitempty"`
	Active           *bool  `json:"active,omitempty"`
	IsDefaultAccount *bool  `json:"is_default_account,omitempty"`
	CreatedTime      string `json:"created_time,omitempty"`
	LastModifiedTime string `json:"last_modified_time,omitempty"`
}

// GatewayLog records Marqeta's call to the gateway (gateway_log_model).
// TransactionID is the JIT funding token.
type GatewayLog struct {
	OrderNumber   string           `json:"order_number"`
	TransactionID string           `json:"transaction_id"`
	Message       string           `json:"message"`
	Duration      *int64           `json:"duration,omitempty"`
	TimedOut      *bool            `json:"timed_out,omitempty"`
	Response      *GatewayResponse `json:"response,omitempty"`
}

// GatewayResponse is the gateway's HTTP status code (as a string, "200") and
// its decoded body (gateway_response).
type GatewayResponse struct {
	Code string       `json:"code"`
	Data *JITResponse `json:"data,omitempty"`
}

// Response is a transaction's response code and memo (response).
type Response struct {
	Code                  string `json:"code"`
	Memo                  string `json:"memo"`
	AdditionalInformation string `json:"additional_information,omitempty"`
}

// CardholderBalance is an account's balances in one currency
// (cardholder_balance). ImpactedAmount is the signed amount the transaction
// moved.
type CardholderBalance struct {
	CurrencyCode     string                       `json:"currency_code"`
	AvailableBalance Amount                       `json:"available_balance"`
	LedgerBalance    Amount                       `json:"ledger_balance"`
	CreditBalance    Amount                       `json:"credit_balance"`
	PendingCredits   Amount                       `json:"pending_credits"`
	CachedBalance    *Amount                      `json:"cached_balance,omitempty"`
	ImpactedAmount   *Amount                      `json:"impacted_amount,omitempty"`
	LastUpdatedTime  string                       `json:"last_updated_time,omitempty"`
	Balances         map[string]CardholderBalance `json:"balances,omitempty"`
}

// Acquirer identifies the acquiring institution (acquirer).
type Acquirer struct {
	InstitutionCountry       string `json:"institution_country,omitempty"`
	InstitutionIDCode        string `json:"institution_id_code,omitempty"`
	NetworkInternationalID   string `json:"network_international_id,omitempty"`
	RetrievalReferenceNumber string `json:"retrieval_reference_number,omitempty"`
	SystemTraceAuditNumber   string `json:"system_trace_audit_number,omitempty"`
}

// CardAcceptor is the merchant (transaction_card_acceptor). MCC is a 4-digit
// string; CountryCode is ISO 3166 alpha-3.
type CardAcceptor struct {
	MID         string `json:"mid,omitempty"`
	MCC         string `json:"mcc,omitempty"`
	Name        string `json:"name,omitempty"`
	Address     string `json:"address,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	PostalCode  string `json:"postal_code,omitempty"`
	CountryCode string `json:"country_code,omitempty"`
}

// POS describes the point of sale (pos).
type POS struct {
	PANEntryMode            string `json:"pan_entry_mode,omitempty"`
	PINPresent              *bool  `json:"pin_present,omitempty"`
	PartialApprovalCapable  *bool  `json:"partial_approval_capable,omitempty"`
	CardPresence            *bool  `json:"card_presence,omitempty"`
	CardHolderPresence      *bool  `json:"card_holder_presence,omitempty"`
	PurchaseAmountOnly      *bool  `json:"purchase_amount_only,omitempty"`
	IsRecurring             *bool  `json:"is_recurring,omitempty"`
	TerminalAttendance      string `json:"terminal_attendance,omitempty"`
	TerminalLocation        string `json:"terminal_location,omitempty"`
	TerminalType            string `json:"terminal_type,omitempty"`
	TerminalID              string `json:"terminal_id,omitempty"`
	CardDataInputCapability string `json:"card_data_input_capability,omitempty"`
	CardholderAuthMethod    string `json:"cardholder_authentication_method,omitempty"`
	Zip                     string `json:"zip,omitempty"`
	CountryCode             string `json:"country_code,omitempty"`
}

// TransactionMetadata carries category data (transaction_metadata).
type TransactionMetadata struct {
	TransactionCategory    string `json:"transaction_category,omitempty"`
	PaymentChannel         string `json:"payment_channel,omitempty"`
	CrossBorderTransaction *bool  `json:"cross_border_transaction,omitempty"`
	AuthorizationLifeCycle *int   `json:"authorization_life_cycle,omitempty"`
	IsLodgingAutoRental    *bool  `json:"is_lodging_auto_rental,omitempty"`
}

// JITAddressVerification is jit_address_verification.
type JITAddressVerification struct {
	Request *AVSInformation            `json:"request,omitempty"`
	Issuer  *AddressVerificationSource `json:"issuer,omitempty"`
	Gateway *AddressVerificationSource `json:"gateway,omitempty"`
}

// AddressVerificationSource is address_verification_source.
type AddressVerificationSource struct {
	OnFile   *AVSInformation `json:"on_file,omitempty"`
	Response *Response       `json:"response,omitempty"`
}

// AVSInformation is avs_information.
type AVSInformation struct {
	StreetAddress string `json:"street_address,omitempty"`
	Zip           string `json:"zip,omitempty"`
	PostalCode    string `json:"postal_code,omitempty"`
}

// WebhookEnvelope is the body of a transaction webhook: up to 10 events of
// one type.
type WebhookEnvelope struct {
	Transactions []Transaction `json:"transactions"`
}

// Ping is one entry of a webhook ping body {"pings": [...]}.
type Ping struct {
	Token   string `json:"token"`
	Payload string `json:"payload"`
}

// JITFundingOf returns the jit_funding of t: gpa_order's for load events,
// gpa_order_unload's for unload events, or nil when there is none.
func (t *Transaction) JITFundingOf() *JITFunding {
	if t.GPAOrder != nil && t.GPAOrder.JITFunding != nil {
		return t.GPAOrder.JITFunding
	}
	if t.GPAOrderUnload != nil && t.GPAOrderUnload.JITFunding != nil {
		return t.GPAOrderUnload.JITFunding
	}
	return nil
}

// GatewayLogOf returns the gateway_log of t's funding, or nil.
func (t *Transaction) GatewayLogOf() *GatewayLog {
	if t.GPAOrder != nil && t.GPAOrder.Funding != nil && t.GPAOrder.Funding.GatewayLog != nil {
		return t.GPAOrder.Funding.GatewayLog
	}
	if t.GPAOrderUnload != nil && t.GPAOrderUnload.Funding != nil {
		return t.GPAOrderUnload.Funding.GatewayLog
	}
	return nil
}

// Bool returns a pointer to b, for optional boolean fields.
func Bool(b bool) *bool { return &b }

// Ptr returns a pointer to v, for optional fields.
func Ptr[T any](v T) *T { return &v }
