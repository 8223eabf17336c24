package features

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/cucumber/godog"

	"github.com/jitsim/jitsim/harness"
	"github.com/jitsim/jitsim/jit"
)

// Options configure a Run.
type Options struct {
	// Target is the gateway under test. Ignored when NewTarget is set.
	Target harness.Target
	// NewTarget, when set, gives each scenario a gateway of its own (the
	// tests start a fresh in-process reference gateway per scenario); the
	// function it returns is called when the scenario ends.
	NewTarget func(scenario string) (harness.Target, func(), error)
	// Tags filters scenarios, godog's syntax: "@a && ~@b", "," for OR.
	Tags string
	// Format is a comma-separated list of godog formatters, each optionally
	// writing to a file: pretty, progress, junit[:FILE], cucumber[:FILE].
	// Empty means pretty.
	Format string
	// Output receives the formatters that write to no file (os.Stdout
	// when nil).
	Output io.Writer
	// Concurrency runs this many scenarios at once (1 when 0).
	Concurrency int
	// BlackBox, when set, runs without an adapter: cardholders take these
	// pre-funded accounts and balances are read by balance inquiry;
	// scenarios tagged @adapter are skipped.
	BlackBox *harness.AccountsFile
	// Controls runs the @controls scenarios (the gateway has the spend
	// controls controls.feature describes); otherwise they are skipped.
	Controls bool
	// Seed makes tokens replayable; every scenario derives its own from it.
	// Against a gateway that keeps its ledger between runs, use a new seed
	// each run. 0 means 1.
	Seed uint64
	// Features replaces the embedded feature files (tests).
	Features fs.FS
	// NoColors strips ANSI colours from the formatters' output.
	NoColors bool
}

// Result is what a Run found.
type Result struct {
	// OK is true when at least one scenario ran and none failed (undefined
	// and pending steps fail, since the run is strict).
	OK bool `json:"ok"`
	// Problem says why OK is false beyond failed scenarios ("no scenario
	// ran").
	Problem string `json:"problem,omitempty"`
	Seed    uint64 `json:"seed"`
	// Scenarios counts the scenarios that ran (passed or failed).
	Scenarios int             `json:"scenarios"`
	Passed    int             `json:"passed"`
	Failed    int             `json:"failed"`
	Skipped   int             `json:"skipped"`
	Features  []FeatureResult `json:"features"`
}

// FeatureResult is one feature file's outcome.
type FeatureResult struct {
	File      string           `json:"file"`
	Name      string           `json:"name"`
	Status    string           `json:"status"` // passed, failed, skipped
	Passed    int              `json:"passed"`
	Failed    int              `json:"failed"`
	Skipped   int              `json:"skipped"`
	Scenarios []ScenarioResult `json:"scenarios"`
}

// ScenarioResult is one scenario's outcome.
type ScenarioResult struct {
	Name   string   `json:"name"`
	Tags   []string `json:"tags,omitempty"`
	Status string   `json:"status"` // passed, failed, skipped
	// Error is the failure: the expectation, what the gateway showed and
	// the messages sent, for a failed scenario.
	Error string `json:"error,omitempty"`
	// SkipReason says why a skipped scenario did not run.
	SkipReason string `json:"skip_reason,omitempty"`
	id         string
}

// Scenario statuses.
const (
	StatusPassed  = "passed"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// godog keeps global state (environment variables) per run: one at a time.
var runMu sync.Mutex

var formats = map[string]bool{"pretty": true, "progress": true, "junit": true, "cucumber": true}

// CheckFormat checks a --format value. It returns a *jit.Error with code
// EINVALID naming the bad part.
func CheckFormat(format string) error {
	for _, part := range strings.Split(format, ",") {
		name, file, hasFile := strings.Cut(part, ":")
		if !formats[name] {
			return jit.Errorf(jit.EINVALID, "format %q: use pretty, progress, junit[:FILE] or cucumber[:FILE]", part)
		}
		if hasFile && file == "" {
			return jit.Errorf(jit.EINVALID, "format %q names no file", part)
		}
	}
	return nil
}

// CheckTags checks a tag expression is in godog's syntax ("@a && ~@b",
// "," for OR); Cucumber's "not @x", "and", "or" and parentheses would
// silently select nothing. It returns a *jit.Error with code EINVALID.
func CheckTags(tags string) error {
	if strings.TrimSpace(tags) == "" {
		return nil
	}
	for _, and := range strings.Split(tags, "&&") {
		for _, t := range strings.Split(and, ",") {
			t = strings.TrimSpace(t)
			if !strings.HasPrefix(strings.TrimPrefix(t, "~"), "@") || strings.ContainsAny(t[1:], " ()!") {
				return jit.Errorf(jit.EINVALID, "tag expression %q: write tags as @a, ~@a to exclude, && for AND and , for OR (not Cucumber's not/and/or)", tags)
			}
		}
	}
	return nil
}

// Run executes the features against the gateway and reports. It is strict:
// undefined or pending steps fail, and a run in which no scenario ran is
// not OK. Runs are serialised (godog keeps global state). It returns a
// *jit.Error with code EINVALID for bad options, and other errors when the
// features cannot be read or godog cannot start (a report file that cannot
// be created, say).
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Format == "" {
		opts.Format = "pretty"
	}
	if err := CheckFormat(opts.Format); err != nil {
		return nil, err
	}
	if err := CheckTags(opts.Tags); err != nil {
		return nil, err
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Concurrency < 1 {
		opts.Concurrency = 1
	}
	if opts.Output == nil {
		opts.Output = os.Stdout
	}
	var pool *harness.AccountPool
	if opts.BlackBox != nil {
		pool = harness.NewAccountPool(opts.BlackBox)
		opts.Target.AdapterURL = ""
	}
	if opts.NewTarget == nil {
		if err := opts.Target.Validate(); err != nil {
			return nil, err
		}
		if opts.Target.BlackBox() && pool == nil {
			return nil, jit.Errorf(jit.EINVALID, "without an adapter URL the suite needs a black-box accounts file")
		}
	}
	fsys := opts.Features
	if fsys == nil {
		fsys = embedded
	}
	files, err := readFeatures(fsys)
	if err != nil {
		return nil, fmt.Errorf("read features: %w", err)
	}
	if len(files) == 0 {
		return nil, jit.Errorf(jit.EINVALID, "no feature files")
	}
	var contents []godog.Feature
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		contents = append(contents, godog.Feature{Name: n, Contents: files[n]})
	}
	c := &collector{files: files, scenarios: map[string][]ScenarioResult{}}
	rs := &runState{opts: opts, pool: pool, col: c}

	// A JUnit report on the output is buffered, to be fixed after the run.
	out := opts.Output
	var buffered *bytes.Buffer
	if _, toOutput := junitOutputs(opts.Format); toOutput {
		buffered = new(bytes.Buffer)
		out = buffered
	}
	runMu.Lock()
	status := godog.TestSuite{
		Name:                "jitsim conformance",
		ScenarioInitializer: rs.initScenario,
		Options: &godog.Options{
			Strict: true, Format: opts.Format, Output: out, Concurrency: opts.Concurrency,
			Tags: opts.Tags, FeatureContents: contents, DefaultContext: ctx, NoColors: opts.NoColors,
		},
	}.Run()
	runMu.Unlock()
	rs.closeAll()
	if status == 2 {
		return nil, fmt.Errorf("godog could not start the run (see its message above)")
	}
	res := c.result(names)
	res.Seed = opts.Seed
	fixed, err := fixJUnitOutputs(opts.Format, buffered, res)
	if err != nil {
		return nil, err
	}
	if buffered != nil {
		if _, err := opts.Output.Write(fixed); err != nil {
			return nil, fmt.Errorf("write output: %w", err)
		}
	}
	switch {
	case res.Scenarios == 0:
		res.OK, res.Problem = false, "no scenario ran: check --tags and, in black-box mode, the accounts file"
	case status != 0 && res.Failed == 0:
		res.OK, res.Problem = false, "godog reported a failure no scenario accounts for (undefined or pending steps?)"
	default:
		res.OK = res.Failed == 0 && status == 0
	}
	if ctx.Err() != nil {
		res.OK, res.Problem = false, "interrupted: "+ctx.Err().Error()
	}
	return res, nil
}

// scenarioSeed derives a scenario's seed from the run's and the scenario's
// place in the features, so that concurrent scenarios never share tokens.
func scenarioSeed(run uint64, sc *godog.Scenario) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s", run, sc.Uri, sc.Name, strings.Join(sc.AstNodeIds, ","))
	return h.Sum64()
}

// collector gathers scenario results from concurrent scenarios.
type collector struct {
	mu        sync.Mutex
	files     map[string][]byte
	scenarios map[string][]ScenarioResult // by feature file
}

func (c *collector) add(uri string, r ScenarioResult) {
	c.mu.Lock()
	c.scenarios[uri] = append(c.scenarios[uri], r)
	c.mu.Unlock()
}

func (c *collector) result(names []string) *Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	res := &Result{}
	for _, n := range names {
		scs := c.scenarios[n]
		if len(scs) == 0 {
			continue
		}
		sort.SliceStable(scs, func(i, j int) bool { return idLess(scs[i].id, scs[j].id) })
		f := FeatureResult{File: n, Name: featureName(c.files[n], n), Scenarios: scs}
		for _, s := range scs {
			switch s.Status {
			case StatusPassed:
				f.Passed++
			case StatusFailed:
				f.Failed++
			default:
				f.Skipped++
			}
		}
		switch {
		case f.Failed > 0:
			f.Status = StatusFailed
		case f.Passed > 0:
			f.Status = StatusPassed
		default:
			f.Status = StatusSkipped
		}
		res.Passed += f.Passed
		res.Failed += f.Failed
		res.Skipped += f.Skipped
		res.Features = append(res.Features, f)
	}
	res.Scenarios = res.Passed + res.Failed
	return res
}

// idLess orders pickle ids, which godog numbers in file order.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func featureName(src []byte, file string) string {
	for _, line := range strings.Split(string(src), "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "Feature:") {
			return strings.TrimSpace(strings.TrimPrefix(t, "Feature:"))
		}
	}
	return file
}
