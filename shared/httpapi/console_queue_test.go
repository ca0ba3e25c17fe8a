package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/httpapi"
)

// queueConfig is consoleConfig with a second integration, "backup".
var queueConfig = strings.Replace(consoleConfig, "integrations:\n",
	"integrations:\n  - {name: backup, kind: generic, token: backup-token}\n", 1)

// queueStory is a set of tickets every queue filter tells apart.
type queueStory struct {
	diskDB1, cpu, diskDB2, dbDown, stuck, old string
}

// mustHookAs posts alert fields to integration with its token, a second
// after the last, and returns the ticket's ID.
func mustHookAs(tb testing.TB, b *Browser, integration, token string, fields map[string]string) string {
	tb.Helper()
	b.Clock.Add(time.Second)
	body, _ := json.Marshal(fields)
	r := b.Do(b.postJSON(tb, "/v1/hooks/"+integration, "Bearer "+token, string(body)))
	if r.Status != http.StatusAccepted {
		tb.Fatalf("hook %s: %d %s", body, r.Status, r.Body)
	}
	var out struct {
		Results []struct {
			TicketID string `json:"ticket_id"`
		} `json:"results"`
	}
	json.Unmarshal([]byte(r.Body), &out)
	return out.Results[0].TicketID
}

func (b *Browser) postJSON(tb testing.TB, path, auth, body string) *http.Request {
	tb.Helper()
	req, err := http.NewRequest("POST", b.URL+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// mustQueueStory opens: two disk alerts (monitor P3, backup P4), a P2
// cpu alert, a critical one (L2, P1), one alice acknowledged, and one
// resolved; all L1 but the critical one, a second apart.
func mustQueueStory(tb testing.TB, b *Browser) queueStory {
	tb.Helper()
	var s queueStory
	s.diskDB1 = mustHookAs(tb, b, "monitor", hookToken, map[string]string{"title": "Disk full on db-1", "dedup_key": "d1"})
	s.cpu = mustHookAs(tb, b, "monitor", hookToken, map[string]string{"title": "CPU high on web-2", "dedup_key": "c", "priority": "P2"})
	s.diskDB2 = mustHookAs(tb, b, "backup", "backup-token", map[string]string{"title": "disk full on db-2", "dedup_key": "d2", "priority": "P4"})
	s.dbDown = mustHookAs(tb, b, "monitor", hookToken, map[string]string{"title": "db down", "dedup_key": "dd", "severity": "critical"})
	s.stuck = mustHookAs(tb, b, "monitor", hookToken, map[string]string{"title": "queue stuck", "dedup_key": "q"})
	s.old = mustHookAs(tb, b, "monitor", hookToken, map[string]string{"title": "old", "dedup_key": "o"})
	alice := NewBrowser(tb, b.API)
	alice.MustSignIn(otherKey)
	alice.MustAct(s.stuck, "acknowledge", nil)
	alice.MustAct(s.old, "resolve", url.Values{"resolution": {"gone"}})
	return s
}

var rowID = regexp.MustCompile(`<tr id="row-(\w+)"`)

// rows are the IDs of a queue page's tickets, in its order.
func rows(p Page) []string {
	var out []string
	for _, m := range rowID.FindAllStringSubmatch(p.Body, -1) {
		out = append(out, m[1])
	}
	return out
}

// Ensure a queue page lists its tier's unresolved tickets, newest first,
// and each filter of the query string narrows it as it says: status,
// priority, integration, title text, and the most urgent order.
func TestConsoleQueueFilters(t *testing.T) {
	b := NewBrowser(t, MustOpenAPIWith(t, queueConfig, httpapi.Options{}))
	s := mustQueueStory(t, b)
	b.MustSignIn(apiKey)
	for query, want := range map[string][]string{
		"":                                 {s.stuck, s.diskDB2, s.cpu, s.diskDB1},
		"?status=open":                     {s.diskDB2, s.cpu, s.diskDB1},
		"?status=acknowledged":             {s.stuck},
		"?status=resolved":                 {s.old},
		"?priority=P2":                     {s.cpu},
		"?priority=p4":                     {s.diskDB2},
		"?integration=backup":              {s.diskDB2},
		"?text=DISK+full":                  {s.diskDB2, s.diskDB1},
		"?text=disk&integration=monitor":   {s.diskDB1},
		"?order=urgent":                    {s.diskDB1, s.cpu, s.diskDB2, s.stuck},
		"?status=&priority=&text=&order=":  {s.stuck, s.diskDB2, s.cpu, s.diskDB1},
		"?text=nothing+has+this+title+yet": nil,
	} {
		p := b.MustPage("/console/queue/L1" + query)
		if got := rows(p); !slices.Equal(got, want) {
			t.Errorf("L1%s: rows %v, want %v", query, got, want)
		}
	}
	if got := rows(b.MustPage("/console/queue/L2")); !slices.Equal(got, []string{s.dbDown}) {
		t.Errorf("L2: rows %v, want only the critical alert", got)
	}
	if p := b.MustPage("/console/queue/L1?text=nothing"); !strings.Contains(p.Body, `id="empty"`) {
		t.Error("an empty queue does not say so")
	}
}

// Ensure the filter form shows the filters in force, so that the page
// says what it lists after a reload.
func TestConsoleQueueShowsFilters(t *testing.T) {
	b := MustOpenConsole(t)
	b.MustSignIn(apiKey)
	p := b.MustPage("/console/queue/L1?status=acknowledged&priority=P2&integration=monitor&text=%3Cb%3Edisk&order=urgent")
	for _, want := range []string{`<option value="acknowledged" selected>`, `<option value="P2" selected>`,
		`<option value="urgent" selected>`, `name="integration" type="text" list="integrations" value="monitor"`,
		`value="&lt;b&gt;disk"`, `<label for="text">Title contains</label>`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the filter form lacks %s", want)
		}
	}
}

// Ensure a filter the page cannot read is said plainly (422), and a
// queue that does not exist is not found.
func TestConsoleQueueBadFilter(t *testing.T) {
	b := MustOpenConsole(t)
	b.MustSignIn(apiKey)
	for query, want := range map[string]string{"?priority=P9": "P1 to P5", "?status=lost": "status", "?order=oldest": "newest or urgent"} {
		p := b.Get("/console/queue/L1" + query)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(Text(t, p, "problem"), want) {
			t.Errorf("L1%s: %d, problem %q; want 422 saying %q", query, p.Status, Text(t, p, "problem"), want)
		}
	}
	for _, q := range []string{"L4", "l1", "all"} {
		if p := b.Get("/console/queue/" + q); p.Status != http.StatusNotFound {
			t.Errorf("queue %s: %d, want 404", q, p.Status)
		}
	}
}

// Ensure "mine" lists the unresolved tickets of every tier assigned to
// the signed-in key, and only those.
func TestConsoleQueueMine(t *testing.T) {
	b := NewBrowser(t, MustOpenAPIWith(t, queueConfig, httpapi.Options{}))
	s := mustQueueStory(t, b)
	b.API.MustAct(t, s.dbDown, "assign", `{"assignee": "alice"}`) // L2, through the API
	alice := NewBrowser(t, b.API)
	alice.MustSignIn(otherKey)
	if got := rows(alice.MustPage("/console/queue/mine")); !slices.Equal(got, []string{s.stuck, s.dbDown}) {
		t.Errorf("alice's queue: %v, want the acknowledged L1 ticket and the L2 one assigned to her", got)
	}
	if got := rows(alice.MustPage("/console/queue/mine?status=resolved")); len(got) != 0 {
		t.Errorf("alice's resolved: %v, want none (the resolved one is not assigned to her)", got)
	}
	b.MustSignIn(apiKey)
	if got := rows(b.MustPage("/console/queue/mine")); len(got) != 0 {
		t.Errorf("ops's queue: %v, want none", got)
	}
}

// Ensure each row says how long is left to its deadline, and a breached
// one says so in words, not only in colour; the page reloads itself.
func TestConsoleQueueDeadlines(t *testing.T) {
	b := MustOpenConsole(t)
	first := b.MustCreate(t, "first")
	b.Clock.Add(10 * time.Minute)
	second := b.MustCreate(t, "second")
	b.Clock.Add(7 * time.Minute) // first: 15m to acknowledge from 17m ago; second: from 7m ago
	b.MustSignIn(apiKey)
	p := b.MustPage("/console/queue/L1")
	row := func(id string) string {
		m := regexp.MustCompile(`(?s)<tr id="row-` + id + `"[^>]*>.*?</tr>`).FindString(p.Body)
		return strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m, "")), " ")
	}
	if r := row(first); !strings.Contains(r, "Breached: acknowledge breached 2m ago") {
		t.Errorf("the first row %q, want it marked breached 2m ago", r)
	}
	if r := row(second); !strings.Contains(r, "acknowledge in 8m") || strings.Contains(r, "Breached") {
		t.Errorf("the second row %q, want acknowledge in 8m (15m from 7m ago)", r)
	}
	if !strings.Contains(p.Body, `<tr id="row-`+first+`" class="breached">`) {
		t.Error("the breached row has no breached class")
	}
	if !strings.Contains(p.Body, `<meta http-equiv="refresh" content="30">`) {
		t.Error("the queue page does not reload itself")
	}
}

// Ensure a long queue shows its first 100 tickets in its order, says how
// many matched, and stays under 100 KB.
func TestConsoleQueueShowsAHundred(t *testing.T) {
	b := NewBrowser(t, MustOpenAPIWith(t, queueConfig, httpapi.Options{}))
	for i := range 120 {
		mustHookAs(t, b, "monitor", hookToken, map[string]string{"title": fmt.Sprintf("Disk full on db-%d", i), "dedup_key": fmt.Sprintf("d%d", i)})
	}
	b.MustSignIn(apiKey)
	p := b.MustPage("/console/queue/L1")
	if n := len(rows(p)); n != 100 || !strings.Contains(p.Body, "Showing the first 100 of 120 tickets") {
		t.Fatalf("%d rows, want 100 and a note of the 120", n)
	}
	if len(p.Body) >= 100<<10 {
		t.Errorf("the page is %d bytes, want under 100 KB", len(p.Body))
	}
}
