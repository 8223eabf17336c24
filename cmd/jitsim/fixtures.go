package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/jitsim/jitsim/fixtures"
)

func fixturesCommand() command {
	return command{
		name:    "fixtures",
		summary: "list, show or validate fixtures (message sequences for jitsim step)",
		run:     runFixtures,
		help:    fixturesUsage,
	}
}

func fixturesUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: jitsim fixtures list
       jitsim fixtures show NAME
       jitsim fixtures validate [FILE...]

list      one embedded fixture a line: its name, then what it shows
show      print an embedded fixture's JSON (a start for your own)
validate  check the embedded library, or the given fixture files; every
          problem names the file, the step and the field

Play one with 'jitsim step NAME|FILE'. The format is in docs/fixtures.md.

Exit status: 0 fine, 1 a fixture is invalid, 2 bad usage or an unknown name.
`)
}

func runFixtures(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fixtures", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fixturesUsage(stderr) }
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	args = fs.Args()
	if len(args) == 0 {
		fixturesUsage(stderr)
		return &usageError{"fixtures needs list, show NAME or validate [FILE...]"}
	}
	switch sub, rest := args[0], args[1:]; sub {
	case "list":
		if len(rest) > 0 {
			return &usageError{"fixtures list takes no arguments"}
		}
		all, err := fixtures.All()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		for _, f := range all {
			fmt.Fprintf(tw, "%s\t%s\n", f.Name, f.Description)
		}
		return tw.Flush()
	case "show":
		if len(rest) != 1 {
			return &usageError{"fixtures show takes one NAME"}
		}
		data, err := fixtures.Raw(rest[0])
		if err != nil {
			return &usageError{err.Error()}
		}
		_, err = stdout.Write(data)
		return err
	case "validate":
		return validateFixtures(rest, stdout, stderr)
	default:
		return &usageError{fmt.Sprintf("unknown fixtures subcommand %q: use list, show or validate", sub)}
	}
}

// validateFixtures checks the library (no files) or each file, printing
// every problem; errFailed when there is one.
func validateFixtures(files []string, stdout, stderr io.Writer) error {
	var problems []error
	if len(files) == 0 {
		if err := fixtures.ValidateLibrary(); err != nil {
			problems = append(problems, err)
		}
		files = nil
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return &usageError{fmt.Sprintf("read %s: %v", path, err)}
		}
		if _, err := fixtures.Decode(filepath.Base(path), bytes.NewReader(data)); err != nil {
			problems = append(problems, err)
		}
	}
	if len(problems) > 0 {
		fmt.Fprintln(stderr, errors.Join(problems...))
		return fmt.Errorf("%w: invalid fixtures", errFailed)
	}
	n := len(files)
	if n == 0 {
		n = len(fixtures.Names())
		fmt.Fprintf(stdout, "ok: the %d embedded fixtures are valid\n", n)
		return nil
	}
	fmt.Fprintf(stdout, "ok: %d fixture file(s) valid\n", n)
	return nil
}
