package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/wire"
)

// hostile is a ticket whose every string tries to take over the
// operator's terminal: clear the screen (ESC [2J), retitle the window
// (OSC 0), overwrite a line (CR), fake rows (LF), hide text (ESC [8m),
// reverse it (U+202E), or start a sequence with a C1 control (U+009B).
func hostile(created time.Time) wire.Ticket {
	return wire.Ticket{
		ID: "d26hostile0001", Integration: "forms\x1b[8m", Source: "form:it-help\r", DedupKey: "key\x00x",
		Title:       "Disk full\x1b[2J\x1b]0;owned\x07\rd26fake  L3  P1  resolved",
		Description: "first line\r\x1b[31mred\x1b[0m\n\nTimeline:\n  forged event\u202eevil",
		Priority:    "P2", Tier: "L1", Status: "open", Assignee: "eve\x1b[8m", Occurrences: 1,
		Labels:    map[string]string{"team\x1b[1m": "net\u202egnp"},
		Details:   map[string]any{"host": "db-1\x1b[2K", "n": 3},
		Links:     []wire.Link{{Href: "https://grafana.example/d/x\x1b]8;;https://evil\x07", Text: "dash\u009b31m"}},
		Requester: &wire.Person{Name: "Mallory\r\n  assignee        root", Email: "m@example.com"},
		Category:  "password", FirstSeen: created, LastSeen: created, CreatedAt: created, UpdatedAt: created,
		Version: 3,
		Timeline: []wire.Event{
			{At: created, Kind: "created"},
			{At: created, Kind: "noted", Actor: "bob\x1b]0;t\x07", Note: "tried\x1b[2Jit\nrow"},
			{At: created, Kind: "escalated", From: "L1", To: "L2", Reason: "missed\rFAKE"},
			{At: created, Kind: "assigned", Assignee: "eve\x1b[8m"},
			{At: created, Kind: "notified", To: "L2", Channel: "ch\x1b[5m", Notice: 2},
		},
	}
}

// hostileAPI serves tk as a tierline would. It stands in for any tierline
// the CLI may talk to, whatever its store keeps of such characters (an
// older one, or one whose data came in before): the CLI trusts none.
func hostileAPI(t *testing.T, tk wire.Ticket) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		switch {
		case r.URL.Path == "/v1/tickets" && r.URL.Query().Get("tier") == "L9":
			w.WriteHeader(http.StatusUnprocessableEntity)
			enc.Encode(wire.Error{Error: wire.ErrorBody{Code: "invalid\x1b[2J", Message: "unknown tier \"L9\x1b]0;x\x07\"\nforged line"}})
		case r.URL.Path == "/v1/tickets":
			enc.Encode(wire.List{Tickets: []wire.Ticket{tk}})
		case r.URL.Path == "/v1/tickets/"+tk.ID, strings.HasPrefix(r.URL.Path, "/v1/tickets/"+tk.ID+"/"):
			enc.Encode(tk)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Ensure tickets, show and ack print every string of a hostile ticket with
// its controls as visible escapes, in exactly the layout of a harmless one,
// and that the API's error messages are escaped too.
func TestHostileTicketOutput(t *testing.T) {
	created := time.Now().Add(-3*time.Hour - time.Minute)
	tk := hostile(created)
	url := hostileAPI(t, tk)
	s := stamp(created)
	tests := []struct {
		name       string
		args       []string
		code       int
		out, stErr string
	}{
		{"tickets", []string{"tickets"}, 0, "" +
			"ID              TIER  PRI  STATUS  AGE  SEEN  ASSIGNEE    TITLE\n" +
			`d26hostile0001  L1    P2   open    3h   1     eve\x1b[8m  Disk full\x1b[2J\x1b]0;owned\x07\rd26fake  L3  P1  resolved` + "\n", ""},
		{"show", []string{"show", tk.ID}, 0, "" +
			"d26hostile0001  L1  P2  OPEN\n" +
			`Disk full\x1b[2J\x1b]0;owned\x07\rd26fake  L3  P1  resolved` + "\n" +
			"\n" +
			`    first line\r\x1b[31mred\x1b[0m` + "\n" +
			"\n" +
			"    Timeline:\n" +
			`      forged event\u202eevil` + "\n" +
			"\n" +
			`  integration     forms\x1b[8m` + "\n" +
			`  source          form:it-help\r` + "\n" +
			`  dedup key       key\x00x` + "\n" +
			`  assignee        eve\x1b[8m` + "\n" +
			"  seen            1 times, first " + s + ", last " + s + "\n" +
			`  requester       Mallory\r\n  assignee        root <m@example.com>` + "\n" +
			"  category        password\n" +
			`  label team\x1b[1m net\u202egnp` + "\n" +
			`  detail host     db-1\x1b[2K` + "\n" +
			"  detail n        3\n" +
			`  link            dash\u009b31m https://grafana.example/d/x\x1b]8;;https://evil\x07` + "\n" +
			"\n" +
			"Timeline:\n" +
			"  " + s + "  created      \n" +
			"  " + s + `  noted        by bob\x1b]0;t\x07; "tried\x1b[2Jit\nrow"` + "\n" +
			"  " + s + `  escalated    L1 → L2; missed\rFAKE` + "\n" +
			"  " + s + `  assigned     to eve\x1b[8m` + "\n" +
			"  " + s + `  notified     L2 via ch\x1b[5m (hand-off 2)` + "\n", ""},
		{"ack", []string{"ack", tk.ID}, 0, `d26hostile0001 is open at L1, assigned to eve\x1b[8m` + "\n", ""},
		{"an error message", []string{"tickets", "--tier", "L9"}, 1, "",
			`tierline tickets: unknown tier "L9\x1b]0;x\x07"\nforged line (422 invalid\x1b[2J)` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append([]string{tc.args[0], "--url", url, "--key", "k"}, tc.args[1:]...)
			code := run(context.Background(), args, &out, &errOut)
			if code != tc.code || out.String() != tc.out || errOut.String() != tc.stErr {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit %d\nstdout:\n%s\nstderr:\n%s",
					code, out.String(), errOut.String(), tc.code, tc.out, tc.stErr)
			}
		})
	}
}

// Ensure --json prints a hostile ticket as valid JSON with the same values
// and no raw control character.
func TestHostileTicketJSON(t *testing.T) {
	tk := hostile(time.Now().Truncate(time.Second))
	url := hostileAPI(t, tk)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"show", tk.ID, "--json", "--url", url, "--key", "k"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if i := bytes.IndexFunc(out.Bytes(), func(r rune) bool { return r != '\n' && unsafeRune(r) }); i >= 0 {
		t.Fatalf("--json output holds a raw control at byte %d: %q", i, out.Bytes()[max(0, i-20):i+5])
	}
	var back wire.Ticket
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatalf("--json output is not JSON: %v", err)
	}
	if back.Title != tk.Title || back.Description != tk.Description || back.Links[0] != tk.Links[0] || back.Timeline[1].Actor != tk.Timeline[1].Actor {
		t.Fatalf("--json changed the values: %+v", back)
	}
}

// Ensure watch escapes what it prints of a hostile ticket, changes included.
func TestHostileWatch(t *testing.T) {
	tk := hostile(time.Now())
	var out bytes.Buffer
	w := watcher{out: &out, seen: map[string]wire.Ticket{}}
	old := tk
	old.Assignee, old.Version = "", 2
	w.update([]wire.Ticket{old}, true)
	w.update([]wire.Ticket{tk}, false)
	at := tk.UpdatedAt.Local().Format("15:04:05")
	title := `Disk full\x1b[2J\x1b]0;owned\x07\rd26fake  L3  P1  resolved`
	want := fmt.Sprintf("%s  d26hostile0001  L1  P2  open         %-14s %s\n", at, "now", title) +
		fmt.Sprintf("%s  d26hostile0001  L1  P2  open         %-14s %s\n", at, `→eve\x1b[8m`, title)
	if out.String() != want {
		t.Fatalf("watch printed\n%s\nwant\n%s", out.String(), want)
	}
}

// Ensure that through a real tierline, whatever its store keeps of an
// alert's controls, tickets and show print none of them raw.
func TestControlsThroughTierline(t *testing.T) {
	m := MustRunMain(t, testConfig("http://127.0.0.1:1/unused"), t.TempDir())
	a := api{t, m.URL}
	id := a.hook(`{"title":"Disk full\u001b[2J\u001b]0;owned\u0007\rFAKE","dedup_key":"esc",` +
		`"description":"a\r\u001b[31m\u009b\u202eb","labels":{"team":"net\u001b[8m"}}`).Results[0].TicketID
	for _, args := range [][]string{{"tickets"}, {"show", id}} {
		code, out, errOut := cli(t, m, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if i := strings.IndexFunc(out, func(r rune) bool { return r != '\n' && unsafeRune(r) }); i >= 0 {
			t.Fatalf("%v printed a raw control at byte %d: %q", args, i, out)
		}
		if !strings.Contains(out, "Disk full") {
			t.Fatalf("%v does not show the title: %q", args, out)
		}
	}
}
