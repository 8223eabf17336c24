package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jitsim/jitsim/adapter"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/reference-gateway/journal"
	"github.com/jitsim/jitsim/reference-gateway/ledger"
)

// Server is a running reference gateway: a loaded journal, the ledger, the
// HTTP handlers and the background sweep and snapshot loops.
type Server struct {
	cfg     Config
	log     *slog.Logger
	auth    basicAuth
	journal *journal.Journal
	ledger  *ledger.Ledger
	store   ledger.Store
	metrics *metrics
	handler http.Handler
	ready   atomic.Bool
	// snapSize is the size of the newest snapshot: the journal must grow
	// past it (and past cfg.SnapshotBytes) before the next one, so that
	// snapshotting costs at most as many bytes as journaling.
	snapSize atomic.Int64

	stop     chan struct{}
	loops    sync.WaitGroup
	snapMu   sync.Mutex // one snapshot at a time
	closeErr error
	closed   sync.Once
}

// Open opens the journal in cfg.JournalDir, rebuilds the ledger from its
// snapshot and records, and starts the background loops. It returns an error
// when the journal cannot be opened or is corrupt (a *journal.CorruptError
// names the file and offset).
func Open(cfg Config) (*Server, error) {
	cfg.setDefaults()
	if cfg.JournalDir == "" {
		return nil, jit.Errorf(jit.EINVALID, "no journal directory")
	}
	m := newMetrics()
	j, err := journal.Open(cfg.JournalDir, journal.Options{NoSync: cfg.NoSync, CommitDelay: cfg.CommitDelay, HoldProcessor: cfg.HoldProcessor, Realtime: cfg.RealtimeFlusher, OnSync: m.fsyncs.observe})
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	l := ledger.New(ledger.Config{Controls: cfg.Controls, PartialApprovals: cfg.PartialApprovals, Now: cfg.Now}, j)
	start := time.Now()
	var snapSize int64
	restore := func(data []byte) error {
		snapSize = int64(len(data))
		return l.Restore(data)
	}
	if err := j.Load(restore, l.Replay); err != nil {
		j.Close()
		return nil, fmt.Errorf("load journal: %w", err)
	}
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		auth:    newBasicAuth(cfg.Username, cfg.Password),
		journal: j,
		ledger:  l,
		store:   l,
		metrics: m,
		stop:    make(chan struct{}),
	}
	s.snapSize.Store(snapSize)
	s.log.Info("journal loaded", "dir", cfg.JournalDir, "took", time.Since(start), "flusher", j.Priority())
	s.handler = s.routes()
	s.loops.Add(1)
	go s.background()
	s.ready.Store(true)
	return s, nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/jit", s.handleJIT)
	mux.HandleFunc("/webhooks", s.handleWebhook)
	gql := adapter.NewHandler(ledgerAdapter{s.store}, adapter.WithMaxBodyBytes(s.cfg.MaxBodyBytes))
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, r *http.Request) {
		if err := s.auth.check(r); err != nil {
			writeError(w, err)
			return
		}
		gql.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !s.ready.Load() {
			writeError(w, jit.Errorf(jit.EUNAVAILABLE, "not ready"))
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.Handle("GET /metrics", s.metrics)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, jit.Errorf(jit.ENOTFOUND, "no endpoint %s", r.URL.Path))
	})
	return mux
}

// Handler returns the gateway's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Ledger returns the gateway's ledger, for in-process harnesses and tests.
func (s *Server) Ledger() ledger.Store { return s.store }

// Serve serves HTTP on ln until ctx is done, then stops taking requests,
// drains those in flight (up to 10 s), and closes the gateway, which syncs
// the journal. It returns the first error of serving or closing.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return errors.Join(err, s.Close())
	case <-ctx.Done():
	}
	s.ready.Store(false)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := hs.Shutdown(shutdownCtx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return errors.Join(err, s.Close())
}

// Close stops the background loops and closes the journal, fsyncing what
// is pending. Requests still running get an error from the journal.
func (s *Server) Close() error {
	s.closed.Do(func() {
		s.ready.Store(false)
		close(s.stop)
		s.loops.Wait()
		s.closeErr = s.journal.Close()
	})
	return s.closeErr
}

// background expires and prunes on cfg.SweepEvery and snapshots when the
// journal has grown past cfg.SnapshotBytes and past the newest snapshot's
// size.
func (s *Server) background() {
	defer s.loops.Done()
	t := time.NewTicker(s.cfg.SweepEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		if err := s.Sweep(context.Background()); err != nil {
			s.log.Error("sweep failed", "err", err)
		}
		if s.snapshotDue() {
			if err := s.Snapshot(); err != nil {
				s.log.Error("snapshot failed", "err", err)
			}
		}
	}
}

// Sweep runs one expiry and pruning pass now.
func (s *Server) Sweep(ctx context.Context) error {
	now := s.cfg.Now()
	var expireBefore time.Time
	if s.cfg.HoldExpiry > 0 {
		expireBefore = now.Add(-s.cfg.HoldExpiry)
	}
	n, err := s.ledger.Sweep(ctx, expireBefore, now.Add(-s.cfg.Retention))
	if n > 0 {
		s.log.Info("holds expired by the gateway's own sweep", "count", n)
	}
	return err
}

// snapshotDue reports whether the journal has grown past cfg.SnapshotBytes
// and past the newest snapshot's size since that snapshot.
func (s *Server) snapshotDue() bool {
	return s.journal.Size() > max(s.cfg.SnapshotBytes, s.snapSize.Load())
}

// Snapshot writes a snapshot of the ledger now and drops the journal
// segments it covers.
func (s *Server) Snapshot() error {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	start := time.Now()
	p, err := s.journal.Rotate()
	if err != nil {
		return fmt.Errorf("snapshot: rotate journal: %w", err)
	}
	size, err := s.journal.WriteSnapshotFrom(p, s.ledger.SnapshotTo)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	s.snapSize.Store(size)
	s.log.Info("snapshot written", "pos", p, "bytes", size, "took", time.Since(start))
	return nil
}

// ledgerAdapter serves the GraphQL adapter from a ledger.Store.
type ledgerAdapter struct{ store ledger.Store }

func (a ledgerAdapter) Account(ctx context.Context, token, currency string) (adapter.Account, error) {
	v, err := a.store.Account(ctx, ledger.Key{Token: token, Currency: currency})
	if err != nil {
		return adapter.Account{}, err
	}
	return toAdapter(v), nil
}

func (a ledgerAdapter) Credit(ctx context.Context, token, currency string, amount int64, key string) (adapter.Account, error) {
	v, err := a.store.Credit(ctx, ledger.Key{Token: token, Currency: currency}, amount, key)
	if err != nil {
		return adapter.Account{}, err
	}
	return toAdapter(v), nil
}

func toAdapter(v ledger.View) adapter.Account {
	acct := adapter.Account{Token: v.Token, Currency: v.Currency, Available: v.Available, Ledger: v.Ledger, Pending: v.Pending, Holds: []adapter.Hold{}}
	for _, h := range v.Holds {
		acct.Holds = append(acct.Holds, adapter.Hold{JITToken: h.JITToken, TransactionToken: h.TransactionToken, Amount: h.Amount, State: string(h.State)})
	}
	return acct
}
