package simulator

// The resources below are Marqeta's request/response shapes for the objects
// a JIT program sets up; JSON names follow CoreAPI.yaml. Optional booleans
// are pointers so that an explicit false is kept.

// CardProduct is card_product_request / card_product_response.
type CardProduct struct {
	Token            string             `json:"token"`
	Name             string             `json:"name"`
	Active           *bool              `json:"active,omitempty"`
	StartDate        string             `json:"start_date"`
	EndDate          string             `json:"end_date,omitempty"`
	Config           *CardProductConfig `json:"config,omitempty"`
	CreatedTime      string             `json:"created_time,omitempty"`
	LastModifiedTime string             `json:"last_modified_time,omitempty"`
}

// CardProductConfig is the part of card_product_config jitsim acts on.
type CardProductConfig struct {
	CardLifeCycle *CardLifeCycle `json:"card_life_cycle,omitempty"`
	JITFunding    *JITFundingCfg `json:"jit_funding,omitempty"`
}

// CardLifeCycle is card_life_cycle.
type CardLifeCycle struct {
	ActivateUponIssue *bool `json:"activate_upon_issue,omitempty"`
}

// JITFundingCfg is card_product_config.jit_funding.
type JITFundingCfg struct {
	ProgramGatewayFundingSource *ProgramGatewayJIT `json:"programgateway_funding_source,omitempty"`
}

// ProgramGatewayJIT is jit_funding_programgateway_funding_source.
type ProgramGatewayJIT struct {
	Enabled            *bool  `json:"enabled,omitempty"`
	FundingSourceToken string `json:"funding_source_token,omitempty"`
	RefundsDestination string `json:"refunds_destination,omitempty"`
	AlwaysFund         *bool  `json:"always_fund,omitempty"`
}

// User is the part of user_card_holder_request / _response jitsim keeps.
type User struct {
	Token            string            `json:"token"`
	Active           *bool             `json:"active,omitempty"`
	FirstName        string            `json:"first_name,omitempty"`
	LastName         string            `json:"last_name,omitempty"`
	Email            string            `json:"email,omitempty"`
	BusinessToken    string            `json:"business_token,omitempty"`
	Metadata         map[string]string `json:"metadata,omitempty"`
	Status           string            `json:"status,omitempty"`
	CreatedTime      string            `json:"created_time,omitempty"`
	LastModifiedTime string            `json:"last_modified_time,omitempty"`
}

// Card is the part of card_request / card_response jitsim keeps.
type Card struct {
	Token             string            `json:"token"`
	UserToken         string            `json:"user_token"`
	CardProductToken  string            `json:"card_product_token"`
	LastFour          string            `json:"last_four"`
	PAN               string            `json:"pan"`
	Expiration        string            `json:"expiration"`
	ExpirationTime    string            `json:"expiration_time"`
	Barcode           string            `json:"barcode"`
	PINIsSet          bool              `json:"pin_is_set"`
	State             string            `json:"state"`
	StateReason       string            `json:"state_reason"`
	FulfillmentStatus string            `json:"fulfillment_status"`
	InstrumentType    string            `json:"instrument_type,omitempty"`
	Metadata          map[string]string `json:"metadata,omitempty"`
	CreatedTime       string            `json:"created_time"`
	LastModifiedTime  string            `json:"last_modified_time"`
}

// FundingSource is a program gateway funding source
// (gateway_program_funding_source_request / _response): where and how the
// engine calls the gateway.
type FundingSource struct {
	Token             string            `json:"token"`
	Name              string            `json:"name"`
	URL               string            `json:"url"`
	BasicAuthUsername string            `json:"basic_auth_username"`
	BasicAuthPassword string            `json:"basic_auth_password"`
	Active            *bool             `json:"active,omitempty"`
	TimeoutMillis     int64             `json:"timeout_millis"`
	CustomHeader      map[string]string `json:"custom_header"`
	UseMTLS           bool              `json:"use_mtls"`
	Account           string            `json:"account"`
	Version           string            `json:"version"`
	CreatedTime       string            `json:"created_time"`
	LastModifiedTime  string            `json:"last_modified_time"`
}

// CommandoMode is commando_mode_response: stand-in settings for one program
// gateway funding source.
type CommandoMode struct {
	Token                            string               `json:"token"`
	ProgramGatewayFundingSourceToken string               `json:"program_gateway_funding_source_token"`
	CurrentState                     *CommandoTransition  `json:"current_state,omitempty"`
	CommandoModeEnables              *CommandoModeEnables `json:"commando_mode_enables,omitempty"`
	RealTimeStandinCriteria          *RealTimeStandin     `json:"real_time_standin_criteria,omitempty"`
	CreatedTime                      string               `json:"created_time"`
	LastModifiedTime                 string               `json:"last_modified_time"`
}

// CommandoTransition is commando_mode_nested_transition.
type CommandoTransition struct {
	CommandoEnabled bool   `json:"commando_enabled"`
	Reason          string `json:"reason,omitempty"`
	Channel         string `json:"channel"`
	Username        string `json:"username,omitempty"`
}

// CommandoModeEnables is commando_mode_enables.
type CommandoModeEnables struct {
	ProgramFundingSource string   `json:"program_funding_source"`
	VelocityControls     []string `json:"velocity_controls,omitempty"`
	AuthControls         []string `json:"auth_controls,omitempty"`
}

// RealTimeStandin is real_time_standin_criteria: when Marqeta stands in for
// a gateway that failed one transaction.
type RealTimeStandin struct {
	Enabled                  bool `json:"enabled"`
	IncludeConnectionErrors  bool `json:"include_connection_errors"`
	IncludeResponseTimeouts  bool `json:"include_response_timeouts"`
	IncludeApplicationErrors bool `json:"include_application_errors"`
}

// Webhook is webhook_request_model / webhook_response_model.
type Webhook struct {
	Token            string        `json:"token"`
	Name             string        `json:"name"`
	Active           *bool         `json:"active,omitempty"`
	Events           []string      `json:"events"`
	Config           WebhookConfig `json:"config"`
	CreatedTime      string        `json:"created_time,omitempty"`
	LastModifiedTime string        `json:"last_modified_time,omitempty"`
}

// WebhookConfig is webhook_config_model.
type WebhookConfig struct {
	URL               string            `json:"url"`
	BasicAuthUsername string            `json:"basic_auth_username"`
	BasicAuthPassword string            `json:"basic_auth_password"`
	Secret            string            `json:"secret,omitempty"`
	CustomHeader      map[string]string `json:"custom_header,omitempty"`
	UseMTLS           *bool             `json:"use_mtls,omitempty"`
}
