package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// cli runs one tierline command against m and returns its exit code and
// output.
func cli(t *testing.T, m *Main, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append([]string{args[0], "--url", m.URL, "--key", "ops-key", "--as", "alice"}, args[1:]...)
	code := run(context.Background(), full, &out, &errOut)
	return code, out.String(), errOut.String()
}

// Ensure the CLI commands work against a running tierline, and that a
// mistake in how a command is called exits 2 with a message saying how.
func TestCLI(t *testing.T) {
	m := MustRunMain(t, testConfig("http://127.0.0.1:1/unused"), t.TempDir())
	a := api{t, m.URL}
	id := a.hook(`{"title":"VPN down at the Frankfurt office","dedup_key":"vpn-fra"}`).Results[0].TicketID

	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout (code 0) or stderr
	}{
		{"tickets lists the ticket", []string{"tickets"}, 0, "VPN down at the Frankfurt office"},
		{"tickets filters by tier", []string{"tickets", "--tier", "L3"}, 0, "(no tickets)"},
		{"tickets refuses a bad tier", []string{"tickets", "--tier", "L9"}, 1, "unknown tier"},
		{"show prints the timeline", []string{"show", id}, 0, "Timeline:"},
		{"show needs an id", []string{"show"}, 2, "usage: tierline show ID"},
		{"show of a missing ticket fails", []string{"show", "0000000000000z"}, 1, "not found"},
		{"note adds a note", []string{"note", id, "tunnel", "flapping"}, 0, "is open at L1"},
		{"escalate needs a note", []string{"escalate", id}, 2, "escalate needs --note"},
		{"escalate with a note, flag after the id", []string{"escalate", id, "--note", "restarted the IPsec daemon"}, 0, "is open at L2"},
		{"ack with a note", []string{"ack", id, "--note", "on site in 10 minutes"}, 0, "is acknowledged at L2, assigned to alice"},
		{"assign with a note", []string{"assign", id, "bob", "--note", "bob has the router keys"}, 0, "assigned to bob"},
		{"show says who acted for whom", []string{"show", id}, 0, "by ops (as alice)"},
		{"note refuses --note beside its text", []string{"note", id, "text", "--note", "more"}, 2, "not in --note"},
		{"ack twice conflicts", []string{"ack", id}, 1, "already acknowledged"},
		{"resolve with a note", []string{"resolve", id, "--note", "ISP replaced the router"}, 0, "is resolved at L2"},
		{"json output", []string{"show", id, "--json"}, 0, `"resolution": "ISP replaced the router"`},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := cli(t, m, tc.args...)
			text := out
			if tc.code != 0 {
				text = errOut
			}
			if code != tc.code || !strings.Contains(text, tc.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d with %q", code, out, errOut, tc.code, tc.want)
			}
		})
	}
	got := a.ticket(id)
	want := map[string]bool{"tunnel flapping": false, "restarted the IPsec daemon": false,
		"on site in 10 minutes": false, "bob has the router keys": false}
	for _, e := range got.Timeline {
		if _, ok := want[e.Note]; ok && e.Actor == "ops" && e.OnBehalf == "alice" {
			want[e.Note] = true
		}
	}
	for note, found := range want {
		if !found {
			t.Errorf("timeline %+v lacks %q by ops on behalf of alice", got.Timeline, note)
		}
	}
}

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Ensure watch prints a ticket when it appears and when it changes.
func TestWatch(t *testing.T) {
	m := MustRunMain(t, testConfig("http://127.0.0.1:1/unused"), t.TempDir())
	a := api{t, m.URL}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"watch", "--url", m.URL, "--key", "ops-key", "--every", "50ms"}, &out, &out)
	}()
	id := a.hook(`{"title":"Printer on fire","dedup_key":"printer"}`).Results[0].TicketID
	eventually(t, 5*time.Second, "the new ticket in watch", func() bool { return strings.Contains(out.String(), id) })
	a.act(id, "acknowledge", `{"actor":"bob"}`)
	eventually(t, 5*time.Second, "the acknowledgement in watch", func() bool {
		return strings.Contains(out.String(), "acknowledged, →bob")
	})
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("watch exited %d: %s", code, out.String())
	}
}
