package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// Config configures a gateway. Zero values take the defaults listed.
type Config struct {
	// JournalDir is where the journal and snapshots live (required).
	JournalDir string
	// Username and Password are the HTTP Basic credentials every endpoint
	// but /healthz, /readyz and /metrics requires. Empty disables auth.
	Username, Password string
	// WebhookSecret, when set, makes X-Marqeta-Signature (hex HMAC-SHA256 or
	// HMAC-SHA1 of the raw body) mandatory on /webhooks.
	WebhookSecret string
	// Controls are the spend controls (all off by default).
	Controls ledger.Controls
	// PartialApprovals approves the available funds when a partial-approval
	// capable point of sale asks for more (default off; see Spend in README).
	PartialApprovals bool
	// MaxBodyBytes bounds request bodies (default 1 MiB).
	MaxBodyBytes int64
	// HoldExpiry is the gateway's own expiry window for holds no webhook
	// closed (default 35 days, past Marqeta's 30-day lodging window; negative
	// disables). Retention is how long closed holds and seen tokens are kept
	// for duplicate detection (default 45 days, past webhook retries).
	HoldExpiry, Retention time.Duration
	// SweepEvery is how often expiry and pruning run (default 1 minute).
	SweepEvery time.Duration
	// SnapshotBytes starts a snapshot when the journal since the last one
	// exceeds it (default 64 MiB) and the last snapshot's size: a large
	// ledger is snapshotted less often, so that snapshots never write more
	// than the journal does.
	SnapshotBytes int64
	// NoSync turns off fsync: for benchmarks that isolate other layers only.
	NoSync bool
	// CommitDelay caps how long the journal holds a group commit open for
	// more records under load (journal.Options.CommitDelay: 0 is its
	// default, 1 ms; negative turns it off).
	CommitDelay time.Duration
	// HoldProcessor makes the journal's flusher keep its Go processor
	// through each fdatasync (journal.Options.HoldProcessor): off by
	// default here; `jitsim gateway` turns it on and runs with GOMAXPROCS
	// one above the cores.
	HoldProcessor bool
	// RealtimeFlusher runs the journal's flusher on a thread of its own at
	// real-time priority where the process may, else at nice -10 where
	// allowed (journal.Options.Realtime; the "journal loaded" log line says
	// which): off by default, on in `jitsim gateway`.
	RealtimeFlusher bool
	// Logger receives structured logs (default: discard).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (c *Config) setDefaults() {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.HoldExpiry == 0 {
		c.HoldExpiry = 35 * 24 * time.Hour
	}
	if c.Retention <= 0 {
		c.Retention = 45 * 24 * time.Hour
	}
	if c.SweepEvery <= 0 {
		c.SweepEvery = time.Minute
	}
	if c.SnapshotBytes <= 0 {
		c.SnapshotBytes = 64 << 20
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// FileConfig is the JSON form of spend controls and options, for
// `jitsim gateway --config FILE`. Amounts are decimal strings in major units.
//
//	{
//	  "max_amount": {"USD": "500.00"},
//	  "daily_count": 20,
//	  "blocked_mccs": ["7995"],
//	  "closed_accounts": ["user_123"],
//	  "decline_unknown_accounts": true,
//	  "partial_approvals": true,
//	  "webhook_secret": "..."
//	}
type FileConfig struct {
	MaxAmount              map[string]string `json:"max_amount"`
	DailyCount             int               `json:"daily_count"`
	BlockedMCCs            []string          `json:"blocked_mccs"`
	ClosedAccounts         []string          `json:"closed_accounts"`
	DeclineUnknownAccounts bool              `json:"decline_unknown_accounts"`
	PartialApprovals       bool              `json:"partial_approvals"`
	WebhookSecret          string            `json:"webhook_secret"`
}

// LoadFileConfig reads a FileConfig from path and applies it to c. Unknown
// keys, bad amounts and negative counts are errors naming the field.
func LoadFileConfig(path string, c *Config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	return c.ApplyFileConfig(data)
}

// ApplyFileConfig applies a FileConfig's JSON to c.
func (c *Config) ApplyFileConfig(data []byte) error {
	var fc FileConfig
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		return jit.Errorf(jit.EINVALID, "config: %w", err)
	}
	if fc.DailyCount < 0 {
		return jit.Errorf(jit.EINVALID, "config: daily_count must be ≥ 0")
	}
	for cur, s := range fc.MaxAmount {
		a, err := jit.ParseAmount(s)
		if err != nil {
			return jit.Errorf(jit.EINVALID, "config: max_amount.%s: %w", cur, err)
		}
		minor, err := a.Minor(cur)
		if err != nil || minor <= 0 {
			return jit.Errorf(jit.EINVALID, "config: max_amount.%s must be a positive %s amount", cur, cur)
		}
		if c.Controls.MaxAmount == nil {
			c.Controls.MaxAmount = map[string]int64{}
		}
		c.Controls.MaxAmount[cur] = minor
	}
	c.Controls.DailyCount = fc.DailyCount
	c.Controls.BlockedMCCs = set(fc.BlockedMCCs)
	c.Controls.Closed = set(fc.ClosedAccounts)
	c.Controls.DeclineUnknown = fc.DeclineUnknownAccounts
	c.PartialApprovals = c.PartialApprovals || fc.PartialApprovals
	if fc.WebhookSecret != "" {
		c.WebhookSecret = fc.WebhookSecret
	}
	return nil
}

func set(list []string) map[string]bool {
	if len(list) == 0 {
		return nil
	}
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}
