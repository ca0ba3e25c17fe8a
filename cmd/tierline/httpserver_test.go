package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runMainWith boots the program as MustRunMain does, with its HTTP limits.
func runMainWith(t *testing.T, limits HTTPLimits) *Main {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tierline.yaml")
	if err := os.WriteFile(path, []byte(testConfig("http://127.0.0.1:1/unused")), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &Main{ConfigPath: path, Addr: "127.0.0.1:0", DataDir: t.TempDir(), HTTP: limits,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Run(t.Context()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// dial opens a raw connection to m, closed when the test ends.
func dial(t *testing.T, m *Main) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(m.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// hookRequest is the head of a hook post whose body is n bytes.
func hookRequest(n int) string {
	return "POST /v1/hooks/prom HTTP/1.1\r\nHost: tierline\r\nAuthorization: Bearer prom-token\r\n" +
		fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", n)
}

// Ensure a client that trickles its body is cut off at the read timeout,
// told to send it again, and nothing of it is stored, while other
// requests keep being answered meanwhile.
func TestSlowBodyIsCutOff(t *testing.T) {
	m := runMainWith(t, HTTPLimits{Read: 300 * time.Millisecond, Write: 10 * time.Second})
	a := api{t, m.URL}
	body := fmt.Sprintf(`{"title":"slow sender","dedup_key":"slow","description":%q}`, strings.Repeat("x", 150))
	conn := dial(t, m)
	if _, err := io.WriteString(conn, hookRequest(len(body))); err != nil {
		t.Fatal(err)
	}
	answered := make(chan *http.Response, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Errorf("reading the answer to the slow body: %v", err)
		}
		answered <- resp
	}()
	tick := time.NewTicker(20 * time.Millisecond) // about 8 s for the whole body
	defer tick.Stop()
	var resp *http.Response
	served := 0
trickle:
	for i := 0; i < len(body); i++ {
		select {
		case resp = <-answered:
			break trickle
		case <-tick.C:
		}
		if _, err := conn.Write([]byte{body[i]}); err != nil {
			resp = <-answered
			break
		}
		if i%5 == 0 { // meanwhile, the server answers everyone else
			a.hook(fmt.Sprintf(`{"title":"normal %d","dedup_key":"n%d"}`, i, i))
			served++
		}
	}
	if resp == nil {
		resp = <-answered
	}
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the slow body was answered %v; want 503 with Retry-After, before it was all sent", resp)
	}
	msg, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(msg), "did not arrive in time") {
		t.Errorf("answer %s does not say the body did not arrive in time", msg)
	}
	if served == 0 {
		t.Errorf("no other request was made while the slow body was read")
	}
	for _, tk := range a.list("limit=500").Tickets {
		if tk.DedupKey == "slow" {
			t.Fatalf("the cut-off body was stored as ticket %s", tk.ID)
		}
	}
}

// Ensure a keep-alive connection left idle is closed after the idle timeout.
func TestIdleConnectionIsClosed(t *testing.T) {
	m := runMainWith(t, HTTPLimits{Idle: 200 * time.Millisecond})
	conn := dial(t, m)
	r := bufio.NewReader(conn)
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: tierline\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = r.ReadByte()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("an idle keep-alive connection is still open after 10s")
	}
	if !errors.Is(err, io.EOF) {
		t.Fatalf("waiting on the idle connection: %v, want the server to close it", err)
	}
}

// Ensure headers over the limit are refused with 431, and headers a
// webhook sends are not.
func TestHeaderLimit(t *testing.T) {
	m := runMainWith(t, HTTPLimits{})
	for _, tc := range []struct {
		name string
		size int
		want int
	}{
		{"a webhook's headers", 4 << 10, http.StatusOK},
		{"64 KiB of headers", 64 << 10, http.StatusRequestHeaderFieldsTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", m.URL+"/healthz", nil)
			req.Header.Set("X-Padding", strings.Repeat("p", tc.size))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}
