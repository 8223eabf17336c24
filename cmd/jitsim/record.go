package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/jitsim/jitsim/fixtures"
	"github.com/jitsim/jitsim/jit"
)

func recordCommand() command {
	return command{
		name:    "record",
		summary: "turn a slice of a run transcript, or a drifting account of a run report, into a fixture",
		run:     runRecord,
		help: func(w io.Writer) {
			var o recordOptions
			recordFlags(w, &o).Usage()
		},
	}
}

type recordOptions struct {
	transcript, report, account, name, out string
	from, to                               int
}

func recordFlags(w io.Writer, o *recordOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&o.transcript, "transcript", "", "a transcript written by jitsim run --transcript")
	fs.StringVar(&o.report, "report", "", "a report written by jitsim run --report-json (its drifting accounts' histories)")
	fs.StringVar(&o.account, "account", "", "the user token to record (default: the first in the slice, or the only drifting one)")
	fs.IntVar(&o.from, "from", 0, "first transcript line to keep, 1-based (default: the start)")
	fs.IntVar(&o.to, "to", 0, "last transcript line to keep (default: the end)")
	fs.StringVar(&o.name, "name", "recorded", "the fixture's name: lowercase letters, digits and dashes")
	fs.StringVar(&o.out, "out", "", "write the fixture to FILE.json (default: stdout)")
	fs.Usage = func() {
		fmt.Fprint(w, `Usage: jitsim record --transcript FILE [--account TOKEN] [--from N --to M] [--name NAME] [--out FILE.json]
       jitsim record --report FILE [--account TOKEN] [--name NAME] [--out FILE.json]

Turns what a jitsim run saw into a fixture to replay with 'jitsim step':
  --transcript  the transactions of one account in lines N to M of a run's
                transcript, each with the outcome the gateway gave (and the
                fault that caused it); the account starts with what it held
                at line N, and the last step expects the balances the oracle
                computes for exactly these steps.
  --report      the message history of a drifting account of a run's
                --report-json; the last step expects the oracle's balances,
                the ones the drifting gateway did not hold.
Messages a fixture cannot replay (a follow-up of a transaction outside the
slice, say) are left out and listed on stderr.

Exit status: 0 recorded, 2 bad usage or nothing to record.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

func runRecord(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o recordOptions
	fs := recordFlags(stderr, &o)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if (o.transcript == "") == (o.report == "") {
		return &usageError{"give --transcript FILE or --report FILE"}
	}
	if o.report != "" && (o.from != 0 || o.to != 0) {
		return &usageError{"--from and --to slice a transcript, not a report"}
	}
	rec := fixtures.Recording{Name: o.name, Account: o.account, From: o.from, To: o.to}
	path := o.transcript
	if path == "" {
		path = o.report
	}
	in, err := os.Open(path)
	if err != nil {
		return &usageError{err.Error()}
	}
	defer in.Close()
	var f *fixtures.Fixture
	var skipped []string
	if o.transcript != "" {
		f, skipped, err = fixtures.FromTranscript(in, rec)
	} else {
		f, skipped, err = fixtures.FromReport(in, rec)
	}
	for _, s := range skipped {
		fmt.Fprintf(stderr, "jitsim record: left out %s\n", s)
	}
	if err != nil {
		if jit.ErrorCode(err) == jit.EINVALID {
			return &usageError{err.Error()}
		}
		return err
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode fixture: %w", err)
	}
	data = append(data, '\n')
	if o.out == "" {
		_, err = stdout.Write(data)
		return err
	}
	if err := os.WriteFile(o.out, data, 0o644); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	fmt.Fprintf(stderr, "jitsim record: %s: %d steps; play it with: jitsim step %s\n", o.out, len(f.Steps), o.out)
	return nil
}
