package lambdatest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/internal/testenv"
)

// Build compiles functions/<name> as the Makefile's build-<Function>
// target does (GOOS=linux, CGO_ENABLED=0, -tags lambda.norpc, -trimpath,
// stripped), but for this machine's GOARCH so that the test can run it;
// the deployed arm64 build differs only in GOARCH. It returns the path of
// the bootstrap.
func Build(tb testing.TB, name string) string {
	tb.Helper()
	testenv.Need(tb, runtime.GOOS == "linux", "linux", "a Lambda bootstrap is a linux executable; run this test on linux")
	out := filepath.Join(tb.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", out, "./functions/"+name)
	cmd.Dir = testenv.Root(tb)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build ./functions/%s: %v\n%s", name, err, b)
	}
	return out
}

// Process is a bootstrap running against a RuntimeAPI.
type Process struct {
	Started time.Time
	cmd     *exec.Cmd
	out     *logBuffer
	exited  chan struct{}
	err     error
}

// Start runs bin with the Lambda environment (the runtime API, region,
// static test credentials, a function name, an empty HOME) plus env. The
// process is killed when the test ends.
func Start(tb testing.TB, bin string, rt *RuntimeAPI, env map[string]string) *Process {
	tb.Helper()
	vars := map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          rt.Addr(),
		"AWS_REGION":                      "us-east-1",
		"AWS_DEFAULT_REGION":              "us-east-1",
		"AWS_ACCESS_KEY_ID":               "test",
		"AWS_SECRET_ACCESS_KEY":           "test",
		"AWS_LAMBDA_FUNCTION_NAME":        "tierline-test",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
		"AWS_EC2_METADATA_DISABLED":       "true",
		"HOME":                            tb.TempDir(),
		"TZ":                              "UTC",
	}
	for k, v := range env {
		vars[k] = v
	}
	p := &Process{cmd: exec.Command(bin), out: &logBuffer{}, exited: make(chan struct{})}
	for k, v := range vars {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	slices.Sort(p.cmd.Env)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.Started = time.Now()
	if err := p.cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", bin, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	tb.Cleanup(p.Stop)
	return p
}

// Stop kills the process and waits for it.
func (p *Process) Stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Kill()
	<-p.exited
}

// Exited is closed when the process ends; Err then says how.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Err is the process's exit error, once Exited is closed.
func (p *Process) Err() error { return p.err }

// Output is what the process wrote so far (its JSON log lines).
func (p *Process) Output() string { return p.out.String() }

// ColdStarts starts bin n times, each against a fresh RuntimeAPI, and
// measures the time from starting the process to its first GET
// …/invocation/next, which is when Lambda would consider INIT done; each
// process is stopped once measured. It is a report, never an assertion.
func ColdStarts(tb testing.TB, bin string, env map[string]string, n int) []time.Duration {
	tb.Helper()
	var out []time.Duration
	for range n {
		rt := NewRuntimeAPI(tb)
		p := Start(tb, bin, rt, env)
		select {
		case at := <-rt.Nexts():
			out = append(out, at.Sub(p.Started))
		case <-p.Exited():
			tb.Fatalf("bootstrap exited during its cold start: %v\n%s", p.Err(), p.Output())
		case <-time.After(20 * time.Second):
			tb.Fatalf("bootstrap did not ask for an event within 20s\n%s", p.Output())
		}
		p.Stop()
	}
	return out
}

// Median returns the median of ds.
func Median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// InvokeJSON invokes the function with event and fails the test if no
// answer comes within 30s.
func (r *RuntimeAPI) InvokeJSON(tb testing.TB, event []byte) Result {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := r.Invoke(ctx, event)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
