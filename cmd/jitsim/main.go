// Command jitsim is the offline sandbox and conformance harness for Marqeta
// JIT funding gateways. main only wires: every subcommand is built from
// importable packages, and run is what tests call.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// Exit codes (design.md §5).
const (
	exitOK     = 0
	exitFailed = 1 // a check failed: drift, SLA breach, failed scenario
	exitUsage  = 2 // bad usage or a fatal error
)

// errFailed marks a completed run whose check failed.
var errFailed = errors.New("check failed")

// usageError is bad usage: the message and the command's help.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// parseNoArgs parses a command's flags and refuses positional arguments,
// both as usage errors (exit 2).
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("%s takes no arguments, got %q", fs.Name(), fs.Args())}
	}
	return nil
}

func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFailed):
		fmt.Fprintln(stderr, "jitsim:", err)
		return exitFailed
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "jitsim:", err)
		return exitUsage
	default:
		fmt.Fprintln(stderr, "jitsim:", err)
		return exitUsage
	}
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	help          func(w io.Writer)
}

func commands() []command {
	return []command{demoCommand(), runCommand(), gatewayCommand(), sandboxCommand(), loadCommand(), conformCommand(), stepCommand(), recordCommand(), fixturesCommand()}
}

// run dispatches args to a subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return &usageError{"no command given"}
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			for _, c := range commands() {
				if c.name == args[1] {
					c.help(stdout)
					return nil
				}
			}
			return &usageError{fmt.Sprintf("unknown command %q", args[1])}
		}
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return &usageError{fmt.Sprintf("unknown command %q", name)}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `jitsim is an offline sandbox and conformance harness for Marqeta JIT funding gateways.

Usage:
  jitsim <command> [flags]
  jitsim help <command>

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Exit status: 0 success, 1 a failed check, 2 bad usage or a fatal error.
`)
}
