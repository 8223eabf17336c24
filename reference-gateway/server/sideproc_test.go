package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jitsim/jitsim/reference-gateway/floor"
)

// With JITSIM_PROCS=1 the side-by-side benchmark runs the floor and the
// gateway each in its own process (this test binary re-executed), as a team
// runs `jitsim gateway` apart from its load generator: vegeta then shares
// the cores with the servers through the kernel's scheduler, not through one
// Go runtime's run queues.

const (
	sideChildEnv = "JITSIM_SIDE_CHILD" // floor or gateway
	sideDirEnv   = "JITSIM_SIDE_DIR"   // the gateway child's journal
)

// TestSideTargetProcess is a side-by-side target in a child process: the
// test binary re-executed with JITSIM_SIDE_CHILD set. It prints its address
// once it is ready (the gateway's accounts funded) and serves until its
// stdin closes; the gateway then drains and closes its journal.
func TestSideTargetProcess(t *testing.T) {
	kind := os.Getenv(sideChildEnv)
	if kind == "" {
		return
	}
	if sideSlow() {
		// For lining up GODEBUG=gctrace=1's times since start with the
		// slow buckets' wall clock.
		fmt.Fprintf(os.Stderr, "side child %s started %s\n", kind, time.Now().UTC().Format("15:04:05.000"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch kind {
	case "floor":
		srv := newSideHTTPServer(floor.Handler)
		go srv.Serve(ln)
		fmt.Printf("listening %s\n", ln.Addr())
		<-ctx.Done()
		srv.Close()
	case "gateway":
		cfg := sideGatewayConfig(t, os.Getenv(sideDirEnv), os.Stderr)
		TuneRuntime(cfg.HoldProcessor)
		s, err := Open(cfg)
		if err != nil {
			t.Fatal(err)
		}
		fundBenchAccounts(t, s.Ledger(), benchAccounts)
		fmt.Printf("listening %s\n", ln.Addr())
		if err := s.Serve(ctx, ln); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("%s=%q: want floor or gateway", sideChildEnv, kind)
	}
}

// sideChild is a target running in a child process.
type sideChild struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	base  string // http://127.0.0.1:port
}

// startSideChild starts a kind target in a child process; its stderr goes to
// logs. It returns once the child has printed its address.
func startSideChild(b *testing.B, kind, dir string, logs io.Writer) *sideChild {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd, stdin, base, err := startHelperProcess(ctx, "TestSideTargetProcess", []string{sideChildEnv + "=" + kind, sideDirEnv + "=" + dir}, logs)
	if err != nil {
		b.Fatalf("%s child: %v", kind, err)
	}
	return &sideChild{cmd: cmd, stdin: stdin, base: base}
}

// startHelperProcess runs the test binary again as the helper test named
// test, with env added to the environment and its stderr going to stderr.
// It returns once the helper has printed "listening ADDR" on stdout, with
// the helper's stdin (the helper exits when it closes) and http://ADDR. If
// the helper prints anything else first, or ctx ends first, it kills the
// helper and returns an error.
func startHelperProcess(ctx context.Context, test string, env []string, stderr io.Writer) (cmd *exec.Cmd, stdin io.WriteCloser, base string, err error) {
	cmd = exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = stderr
	if stdin, err = cmd.StdinPipe(); err != nil {
		return nil, nil, "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, "", err
	}
	line := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		l, _ := r.ReadString('\n')
		line <- l
		io.Copy(io.Discard, r) // whatever else it prints, such as PASS
	}()
	select {
	case l := <-line:
		if addr, ok := strings.CutPrefix(strings.TrimSpace(l), "listening "); ok {
			return cmd, stdin, "http://" + addr, nil
		}
		err = fmt.Errorf("it did not start: %q", l)
	case <-ctx.Done():
		err = errors.New("it did not print its address in time")
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, nil, "", err
}

// stop closes the child's stdin and waits for it to exit (a minute at
// most), and reports how it exited.
func (c *sideChild) stop() error {
	c.stdin.Close()
	t := time.AfterFunc(time.Minute, func() { c.cmd.Process.Kill() })
	defer t.Stop()
	return c.cmd.Wait()
}

// cpu is the child's user and system CPU time so far, from /proc/PID/stat
// (USER_HZ ticks of 10 ms), or 0 when it cannot be read.
func (c *sideChild) cpu() time.Duration {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(c.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, the 12th and 13th after it.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := bytes.Fields(data[i+1:])
	if len(f) < 13 {
		return 0
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil {
			return 0
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// sideTargets starts the floor and the gateway, in this process or in child
// processes (JITSIM_PROCS=1), and returns their base URLs, a function giving
// the CPU time of every process involved, and a function that stops them.
func sideTargets(b *testing.B, procs bool, logs *syncBuffer) (floorBase, gwBase string, cpu func() time.Duration, stop func()) {
	if procs {
		fl := startSideChild(b, "floor", "", io.Discard)
		gw := startSideChild(b, "gateway", b.TempDir(), logs)
		cpu = func() time.Duration { return cpuTime() + fl.cpu() + gw.cpu() }
		stop = func() {
			if err := fl.stop(); err != nil {
				b.Errorf("floor child: %v", err)
			}
			if err := gw.stop(); err != nil {
				b.Errorf("gateway child: %v", err)
			}
		}
		return fl.base, gw.base, cpu, stop
	}

	floorLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	floorSrv := newSideHTTPServer(floor.Handler)
	go floorSrv.Serve(floorLn)

	ctx, cancel := context.WithCancel(context.Background())
	gwSrv, err := Open(sideGatewayConfig(b, b.TempDir(), logs))
	if err != nil {
		b.Fatal(err)
	}
	gwLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- gwSrv.Serve(ctx, gwLn) }()
	fundBenchAccounts(b, gwSrv.Ledger(), benchAccounts)
	stop = func() {
		floorSrv.Close()
		cancel()
		if err := <-served; err != nil {
			b.Errorf("gateway serve: %v", err)
		}
	}
	return "http://" + floorLn.Addr().String(), "http://" + gwLn.Addr().String(), cpuTime, stop
}

// sideGatewayConfig is the gateway's configuration in the side-by-side
// benchmark: as `jitsim gateway` runs it, but for the test credentials and
// JITSIM_NOSYNC, JITSIM_COMMIT_DELAY and JITSIM_HOLDP (0 turns
// Config.HoldProcessor off, for an A/B comparison).
func sideGatewayConfig(t testing.TB, dir string, logs io.Writer) Config {
	return Config{
		JournalDir: dir, Username: testUser, Password: testPass,
		Logger:        slog.New(slog.NewTextHandler(logs, nil)),
		NoSync:        os.Getenv("JITSIM_NOSYNC") == "1",
		CommitDelay:   sideCommitDelay(t),
		HoldProcessor: sideHoldP(),
		// As `jitsim gateway` runs, unless JITSIM_RT=0.
		RealtimeFlusher: os.Getenv("JITSIM_RT") != "0",
	}
}
