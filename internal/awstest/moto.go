package awstest

import (
	"bufio"
	"io"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/tierline/tierline/internal/testenv"
)

// motoListening is how moto_server (Werkzeug) says where it listens; with
// port 0 it names the port the kernel chose.
var motoListening = regexp.MustCompile(`Running on (http://127\.0\.0\.1:\d+)`)

// Moto starts moto_server (moto 5.2, an AWS API emulator: EventBridge
// Scheduler, SSM, Secrets Manager, SNS and more) on a free port of
// 127.0.0.1 for the test and returns its endpoint ("http://127.0.0.1:PORT").
// It is stopped when the test ends. One server answers every service and
// region, so a test that shares one across subtests keeps them apart by
// the names it gives its resources. Without moto_server on PATH the test
// skips locally and fails under CI=true.
func Moto(tb testing.TB) string {
	tb.Helper()
	bin := testenv.Command(tb, "moto_server", "moto 5.2 ships with this project's machines (Python 3.11 under pyenv)")
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", "0")
	out, err := cmd.StderrPipe() // Werkzeug logs, the listening line included, to stderr
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start moto_server: %v", err)
	}
	tb.Cleanup(func() {
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

	log := &lockedBuffer{}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			log.Write(append(sc.Bytes(), '\n'))
			if m := motoListening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
				io.Copy(io.Discard, out) // keep the pipe drained until it exits
				return
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			tb.Fatalf("moto_server stopped before it listened: %s", log.String())
		}
		return a
	case <-time.After(60 * time.Second):
		tb.Fatalf("moto_server did not listen within 60s: %s", log.String())
		return ""
	}
}
