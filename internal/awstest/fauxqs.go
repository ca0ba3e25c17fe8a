package awstest

import (
	"bufio"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tierline/tierline/internal/testenv"
)

// fauxqsReady is the line infra/serve-fauxqs.mjs prints once it listens.
const fauxqsReady = "fauxqs listening on "

// Fauxqs starts fauxqs (an SQS emulator speaking the JSON protocol) on a
// free port of 127.0.0.1 for the test, with node 22 from infra/node_modules
// and infra/serve-fauxqs.mjs, and returns its endpoint
// ("http://127.0.0.1:PORT"). It is stopped when the test ends. Without
// infra/node_modules the test skips locally and fails under CI=true.
func Fauxqs(tb testing.TB) string {
	tb.Helper()
	node := testenv.Node22(tb)
	testenv.Infra(tb, "fauxqs/package.json")
	script := filepath.Join(testenv.Root(tb), "infra", "serve-fauxqs.mjs")

	cmd := exec.Command(node, script)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = append(cmd.Environ(), "FAUXQS_PORT=0")
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start fauxqs: %v", err)
	}
	tb.Cleanup(func() {
		// serve-fauxqs.mjs closes the server and exits on SIGTERM.
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})

	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), fauxqsReady); ok {
				addr <- strings.TrimSpace(a)
				io.Copy(io.Discard, out) // keep the pipe drained until it exits
				return
			}
		}
		close(addr) // it exited, or closed stdout, before listening
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			tb.Fatalf("fauxqs stopped before it listened; stderr: %s", stderr.String())
		}
		return "http://" + a
	case <-time.After(30 * time.Second):
		tb.Fatalf("fauxqs did not say %q within 30s; stderr: %s", fauxqsReady, stderr.String())
		return ""
	}
}

// lockedBuffer collects a process's stderr while a test may read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// SQSClient returns an SQS client for a local endpoint (such as Fauxqs's),
// with test credentials and the fast Retryer.
func SQSClient(endpoint string, optFns ...func(*sqs.Options)) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:       Region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  Credentials,
		Retryer:      Retryer(),
	}, optFns...)
}
