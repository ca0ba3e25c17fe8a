package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildTierline builds this program into a temporary directory.
func buildTierline(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to build tierline with: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "tierline")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// served is a running tierline serve process.
type served struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	exited chan error
}

// startServe starts bin serve on a free port with cfg and the data
// directory dir, and waits for it to listen.
func startServe(t *testing.T, bin, cfg, dir string) *served {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--config", cfg, "--data", dir, "--addr", "127.0.0.1:0")
	p := &served{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "tierline is running at "); ok {
			p.url, _, _ = strings.Cut(rest, " ")
			break
		}
	}
	if p.url == "" {
		cmd.Process.Kill()
		t.Fatalf("tierline serve did not say where it listens; stderr: %s", p.stderr)
	}
	go io.Copy(io.Discard, stdout)
	go func() { p.exited <- cmd.Wait() }()
	return p
}

// inFlight starts a hook post of body on a new connection to p and
// returns once the server's handler is reading its body: the server
// answers "100 Continue" then, so the request is in flight for sure. The
// caller sends the body, or not.
func inFlight(t *testing.T, p *served, body string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	head := strings.Replace(hookRequest(len(body)), "\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n", 1)
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	status, err := r.ReadString('\n')
	if err != nil || !strings.Contains(status, " 100 ") {
		t.Fatalf("the server answered %q, %v to Expect: 100-continue", status, err)
	}
	if blank, err := r.ReadString('\n'); err != nil || blank != "\r\n" {
		t.Fatalf("after 100 Continue: %q, %v", blank, err)
	}
	return conn, r
}

// wait waits for the process to exit and returns its exit status.
func (p *served) wait(t *testing.T) *os.ProcessState {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState
	case <-time.After(30 * time.Second):
		t.Fatalf("tierline serve did not exit; stderr: %s", p.stderr)
		return nil
	}
}

// Ensure tierline serve, built and run as a process, on SIGTERM or SIGINT
// stops accepting, answers the request in flight, exits 0 and finds its
// data again on the next start; and that a second signal ends it at once
// while the first still waits for a request that does not finish.
func TestSignals(t *testing.T) {
	bin := buildTierline(t)
	cfg := filepath.Join(t.TempDir(), "tierline.yaml")
	if err := os.WriteFile(cfg, []byte(testConfig("http://127.0.0.1:1/unused")), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String()+" drains", func(t *testing.T) { drainsOn(t, bin, cfg, sig) })
	}
	t.Run("a second signal stops at once", func(t *testing.T) {
		p := startServe(t, bin, cfg, t.TempDir())
		inFlight(t, p, `{"title":"never sent"}`) // and its body never comes
		p.cmd.Process.Signal(syscall.SIGTERM)
		eventually(t, 10*time.Second, "the shutdown to begin", func() bool { return strings.Contains(p.stderr.String(), "shutting down") })
		p.cmd.Process.Signal(syscall.SIGTERM)
		st := p.wait(t)
		ws, _ := st.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
			t.Fatalf("after a second SIGTERM tierline serve exited with %v; want it ended by the signal", st)
		}
	})
}

func drainsOn(t *testing.T, bin, cfg string, sig syscall.Signal) {
	dir := t.TempDir()
	p := startServe(t, bin, cfg, dir)
	a := api{t, p.url}
	before := a.hook(`{"title":"stored before the signal","dedup_key":"before"}`).Results[0].TicketID

	body := `{"title":"in flight at the signal","dedup_key":"in-flight"}`
	conn, r := inFlight(t, p, body)
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the listener to close", func() bool {
		c, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatalf("finishing the request in flight: %v", err)
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("the request in flight at the signal got %v, %v; want 202; stderr: %s", resp, err, p.stderr)
	}
	if st := p.wait(t); st.ExitCode() != 0 {
		t.Fatalf("tierline serve exited with %v, want 0; stderr: %s", st, p.stderr)
	}

	again := startServe(t, bin, cfg, dir)
	a = api{t, again.url}
	got := map[string]string{}
	for _, tk := range a.list("limit=10").Tickets {
		got[tk.DedupKey] = tk.ID
	}
	if got["before"] != before || got["in-flight"] == "" {
		t.Fatalf("after the restart: tickets %v; want the one stored before the signal (%s) and the one in flight", got, before)
	}
	again.cmd.Process.Signal(syscall.SIGTERM)
	if st := again.wait(t); st.ExitCode() != 0 {
		t.Fatalf("the restarted tierline serve exited with %v, want 0", st)
	}
}
