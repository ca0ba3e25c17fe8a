package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/wire"
)

// ids returns the IDs of tickets, in order.
func ids(tickets []wire.Ticket) []string {
	out := make([]string, len(tickets))
	for i, t := range tickets {
		out[i] = t.ID
	}
	return out
}

// Ensure the list pages newest first with limit and next_cursor, to the
// end, with every ticket exactly once, also when a ticket is created
// while a client is paging.
func TestListTickets_paging(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	var created []string
	for i := range 7 {
		created = append(created, a.MustCreate(t, "alert "+string(rune('a'+i))))
	}
	newestFirst := slices.Clone(created)
	slices.Reverse(newestFirst)

	var got []string
	cursor := ""
	for _, want := range []int{3, 3, 1} {
		path := "/v1/tickets?limit=3"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		resp := a.Call(t, "GET", path, "")
		var page wire.List
		MustDecode(t, resp, &page)
		if len(page.Tickets) != want {
			t.Fatalf("%s: %d tickets, want %d", path, len(page.Tickets), want)
		}
		for _, tk := range page.Tickets {
			if len(tk.Timeline) != 0 {
				t.Errorf("list gave ticket %s with a timeline; lists are summaries", tk.ID)
			}
		}
		got = append(got, ids(page.Tickets)...)
		if cursor == "" {
			// A ticket created after the first page is newer than all of
			// them: it must not shift what the next pages hold.
			a.MustCreate(t, "created while paging")
		}
		cursor = page.NextCursor
		if (cursor == "") != (want == 1) {
			t.Fatalf("%s: next_cursor=%q after %d tickets", path, cursor, want)
		}
	}
	if !slices.Equal(got, newestFirst) {
		t.Errorf("pages gave %v, want newest first %v", got, newestFirst)
	}

	// Ensure a page that holds exactly the rest has no next_cursor.
	all := a.MustList(t, "/v1/tickets?limit=8")
	if len(all) != 8 {
		t.Errorf("limit=8 over 8 tickets: %d tickets over more pages", len(all))
	}
	// Ensure the default page size takes all 8 at once.
	resp := a.Call(t, "GET", "/v1/tickets", "")
	var page wire.List
	MustDecode(t, resp, &page)
	if len(page.Tickets) != 8 || page.NextCursor != "" {
		t.Errorf("default page: %d tickets, next_cursor %q, want 8 and none", len(page.Tickets), page.NextCursor)
	}
}

// Ensure an empty list is {"tickets": []}, not null, so that clients can
// range over it without a check.
func TestListTickets_empty(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	resp := a.Call(t, "GET", "/v1/tickets", "")
	if resp.Status != http.StatusOK || strings.TrimSpace(string(resp.Body)) != `{"tickets":[]}` {
		t.Errorf("Status=%v body %s, want 200 {\"tickets\":[]}", resp.Status, resp.Body)
	}
}

// Ensure tier and status filter the list, alone and together, newest first.
func TestListTickets_filters(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	l1Open := a.MustCreate(t, "l1 open")
	l2Open := a.MustHook(t, `{"title": "l2 open", "severity": "critical"}`)[0].TicketID
	l1Acked := a.MustCreate(t, "l1 acknowledged")
	a.MustAct(t, l1Acked, "acknowledge", "")
	l1Resolved := a.MustCreate(t, "l1 resolved")
	a.MustAct(t, l1Resolved, "resolve", "")
	l2Acked := a.MustHook(t, `{"title": "l2 acknowledged", "severity": "critical"}`)[0].TicketID
	a.MustAct(t, l2Acked, "acknowledge", "")

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		// Ensure no filter lists every ticket.
		{name: "all", query: "", want: []string{l2Acked, l1Resolved, l1Acked, l2Open, l1Open}},
		// Ensure tier selects one tier.
		{name: "tier_L1", query: "tier=L1", want: []string{l1Resolved, l1Acked, l1Open}},
		// Ensure the other tier is selected as well.
		{name: "tier_L2", query: "tier=L2", want: []string{l2Acked, l2Open}},
		// Ensure a tier without tickets is an empty list, not an error.
		{name: "tier_L3_empty", query: "tier=L3", want: []string{}},
		// Ensure tiers are read as people type them: lower case, or the number.
		{name: "tier_lower_and_number", query: "tier=l2", want: []string{l2Acked, l2Open}},
		{name: "tier_number", query: "tier=1", want: []string{l1Resolved, l1Acked, l1Open}},
		// Ensure status selects one status.
		{name: "status_open", query: "status=open", want: []string{l2Open, l1Open}},
		{name: "status_acknowledged", query: "status=acknowledged", want: []string{l2Acked, l1Acked}},
		{name: "status_resolved", query: "status=resolved", want: []string{l1Resolved}},
		// Ensure status is read without regard to case.
		{name: "status_upper_case", query: "status=OPEN", want: []string{l2Open, l1Open}},
		// Ensure tier and status combine.
		{name: "tier_and_status", query: "tier=L2&status=acknowledged", want: []string{l2Acked}},
		// Ensure filters combine with paging.
		{name: "filter_paged", query: "tier=L1&limit=1", want: []string{l1Resolved, l1Acked, l1Open}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ids(a.MustList(t, "/v1/tickets?"+tt.query))
			if !slices.Equal(got, tt.want) {
				t.Errorf("list ?%s = %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

// snakeCase is what every field name of the public JSON looks like.
var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// assertSnakeCase fails for each key of obj, and of the objects of its
// timeline, that is not snake_case. Labels and details are the sender's.
func assertSnakeCase(tb testing.TB, obj map[string]any) {
	tb.Helper()
	for k, v := range obj {
		if !snakeCase.MatchString(k) {
			tb.Errorf("field %q is not snake_case", k)
		}
		if k != "timeline" && k != "links" {
			continue
		}
		for _, item := range v.([]any) {
			for ik := range item.(map[string]any) {
				if !snakeCase.MatchString(ik) {
					tb.Errorf("field %q of %s is not snake_case", ik, k)
				}
			}
		}
	}
}

// Ensure a ticket reads in the public wire shape (package wire): snake_case fields, times
// in RFC 3339, deadlines from the tier's policy while unresolved, and the
// timeline with kind, actor and note.
func TestGetTicket_wireShape(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	res := a.MustHook(t, `{"title": "disk full on db-1", "description": "/var at 97%", "source": "db-1",
		"dedup_key": "db-1/disk", "labels": {"team": "dba"}, "details": {"used_pct": 97},
		"links": ["https://grafana.example/d/1", {"href": "https://runbooks.example/disk", "text": "runbook"}]}`)
	id := res[0].TicketID
	created := start.Add(time.Second) // MustHook moved the clock

	read := func(t *testing.T) map[string]any {
		t.Helper()
		resp := a.Call(t, "GET", "/v1/tickets/"+id, "")
		if resp.Status != http.StatusOK {
			t.Fatalf("Status=%v, want %v; body %s", resp.Status, http.StatusOK, resp.Body)
		}
		var obj map[string]any
		MustDecode(t, resp, &obj)
		assertSnakeCase(t, obj)
		return obj
	}
	obj := read(t)
	for _, k := range []string{"id", "integration", "source", "dedup_key", "title", "description", "priority",
		"tier", "status", "occurrences", "labels", "details", "links", "created_at", "updated_at",
		"acknowledge_by", "resolve_by", "escalations", "version", "timeline"} {
		if _, ok := obj[k]; !ok {
			t.Errorf("field %q missing from %v", k, obj)
		}
	}
	want := map[string]any{
		"id": id, "integration": "monitor", "source": "db-1", "dedup_key": "db-1/disk",
		"title": "disk full on db-1", "description": "/var at 97%", "priority": "P3", "tier": "L1",
		"status": "open", "occurrences": 1.0, "escalations": 0.0, "version": 1.0, "policy": "default",
		"created_at":     created.Format(time.RFC3339),
		"acknowledge_by": created.Add(15 * time.Minute).Format(time.RFC3339),
		"resolve_by":     created.Add(4 * time.Hour).Format(time.RFC3339),
	}
	for k, v := range want {
		if obj[k] != v {
			t.Errorf("%s=%v, want %v", k, obj[k], v)
		}
	}
	if labels, _ := obj["labels"].(map[string]any); labels["team"] != "dba" {
		t.Errorf("labels=%v, want team=dba", obj["labels"])
	}
	if details, _ := obj["details"].(map[string]any); details["used_pct"] != 97.0 {
		t.Errorf("details=%v, want used_pct=97", obj["details"])
	}
	links, _ := json.Marshal(obj["links"])
	if string(links) != `[{"href":"https://grafana.example/d/1"},{"href":"https://runbooks.example/disk","text":"runbook"}]` {
		t.Errorf("links=%s", links)
	}

	a.Clock.Add(time.Minute)
	a.MustAct(t, id, "acknowledge", "")
	a.MustAct(t, id, "notes", `{"note": "cleared /var/tmp", "actor": "alice"}`)
	a.MustAct(t, id, "resolve", `{"resolution": "grew the volume"}`)
	obj = read(t)
	if obj["status"] != "resolved" || obj["resolution"] != "grew the volume" || obj["resolved_at"] == nil {
		t.Errorf("status=%v resolution=%v resolved_at=%v, want resolved with the resolution", obj["status"], obj["resolution"], obj["resolved_at"])
	}
	for _, k := range []string{"acknowledge_by", "resolve_by"} {
		if _, ok := obj[k]; ok {
			t.Errorf("%s=%v on a resolved ticket, want it left out", k, obj[k])
		}
	}
	timeline, _ := json.Marshal(obj["timeline"])
	var events []map[string]any
	json.Unmarshal(timeline, &events)
	wantEvents := []map[string]any{
		{"kind": "created", "at": created.Format(time.RFC3339)},
		{"kind": "acknowledged", "actor": "ops"},
		{"kind": "noted", "actor": "ops", "on_behalf_of": "alice", "note": "cleared /var/tmp"},
		{"kind": "resolved", "actor": "ops", "note": "grew the volume"},
	}
	if len(events) != len(wantEvents) {
		t.Fatalf("timeline %s, want %d events", timeline, len(wantEvents))
	}
	for i, w := range wantEvents {
		for k, v := range w {
			if events[i][k] != v {
				t.Errorf("timeline[%d].%s=%v, want %v", i, k, events[i][k], v)
			}
		}
		if _, ok := events[i]["at"]; !ok {
			t.Errorf("timeline[%d] has no at", i)
		}
	}
}

// Ensure each action answers 200 with the ticket as stored, the actor is
// the api key's name (a body's actor is kept beside it), resolve takes
// "resolution" or "note", and escalate hands L1 to L2 with the note on
// the escalated event and the new tier's deadlines.
func TestActions(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	id := a.MustCreate(t, "printer on fire")
	last := func(tk wire.Ticket) wire.Event { return tk.Timeline[len(tk.Timeline)-1] }
	steps := []struct {
		name   string
		key    string // api key; default the ops key
		action string
		body   string
		check  func(t *testing.T, tk wire.Ticket, now time.Time)
	}{
		{
			// Ensure acknowledge without a body takes the ticket for the key's name.
			name: "acknowledge_empty_body", action: "acknowledge",
			check: func(t *testing.T, tk wire.Ticket, now time.Time) {
				e := last(tk)
				if tk.Status != "acknowledged" || tk.Assignee != "ops" || e.Kind != "acknowledged" || e.Actor != "ops" {
					t.Errorf("status=%s assignee=%s last event %+v, want acknowledged by ops", tk.Status, tk.Assignee, e)
				}
				if !tk.AcknowledgedAt.Equal(now) {
					t.Errorf("acknowledged_at=%v, want %v", tk.AcknowledgedAt, now)
				}
			},
		},
		{
			// Ensure the actor defaults to the name of the key that called.
			name: "note_other_key", key: otherKey, action: "notes", body: `{"note": "smoke is grey"}`,
			check: func(t *testing.T, tk wire.Ticket, _ time.Time) {
				if e := last(tk); e.Kind != "noted" || e.Actor != "alice" || e.Note != "smoke is grey" {
					t.Errorf("last event %+v, want noted by alice", e)
				}
			},
		},
		{
			// Ensure a body's actor is kept beside the key's name, never instead of it.
			name: "note_on_behalf", action: "notes", body: `{"note": "called facilities", "actor": "bob@example.com"}`,
			check: func(t *testing.T, tk wire.Ticket, _ time.Time) {
				if e := last(tk); e.Kind != "noted" || e.Actor != "ops" || e.OnBehalf != "bob@example.com" || e.Note != "called facilities" {
					t.Errorf("last event %+v, want noted by ops on behalf of bob@example.com", e)
				}
			},
		},
		{
			// Ensure assign gives the ticket to the assignee and records who did.
			name: "assign", action: "assign", body: `{"assignee": "carol"}`,
			check: func(t *testing.T, tk wire.Ticket, _ time.Time) {
				if e := last(tk); tk.Assignee != "carol" || e.Kind != "assigned" || e.Assignee != "carol" || e.Actor != "ops" {
					t.Errorf("assignee=%s last event %+v, want assigned to carol by ops", tk.Assignee, e)
				}
			},
		},
		{
			// Ensure escalate hands L1 to L2, open and unassigned, with L2's deadlines from now and the note on the event.
			name: "escalate", action: "escalate", body: `{"note": "extinguisher used; still smoking"}`,
			check: func(t *testing.T, tk wire.Ticket, now time.Time) {
				e := last(tk)
				if tk.Tier != "L2" || tk.Status != "open" || tk.Assignee != "" || tk.Escalations != 1 {
					t.Errorf("tier=%s status=%s assignee=%q escalations=%d, want L2 open unassigned 1", tk.Tier, tk.Status, tk.Assignee, tk.Escalations)
				}
				if e.Kind != "escalated" || e.From != "L1" || e.To != "L2" || e.Actor != "ops" || e.Note != "extinguisher used; still smoking" {
					t.Errorf("last event %+v, want escalated L1→L2 by ops with the note", e)
				}
				if !tk.AcknowledgeBy.Equal(now.Add(30*time.Minute)) || !tk.ResolveBy.Equal(now.Add(8*time.Hour)) {
					t.Errorf("acknowledge_by=%v resolve_by=%v, want L2's 30m and 8h from %v", tk.AcknowledgeBy, tk.ResolveBy, now)
				}
			},
		},
		{
			// Ensure resolve takes "resolution".
			name: "resolve_resolution", action: "resolve", body: `{"resolution": "replaced the fuser"}`,
			check: func(t *testing.T, tk wire.Ticket, _ time.Time) {
				if e := last(tk); tk.Status != "resolved" || tk.Resolution != "replaced the fuser" || e.Kind != "resolved" || e.Note != "replaced the fuser" {
					t.Errorf("status=%s resolution=%q last event %+v, want resolved with the resolution", tk.Status, tk.Resolution, e)
				}
			},
		},
		{
			// Ensure reopen brings the ticket back at its tier with the note.
			name: "reopen", action: "reopen", body: `{"note": "smoking again"}`,
			check: func(t *testing.T, tk wire.Ticket, _ time.Time) {
				if e := last(tk); tk.Status != "open" || tk.Tier != "L2" || tk.Resolution != "" || e.Kind != "reopened" || e.Note != "smoking again" {
					t.Errorf("status=%s tier=%s resolution=%q last event %+v, want open at L2", tk.Status, tk.Tier, tk.Resolution, e)
				}
			},
		},
		{
			// Ensure resolve takes "note" when no "resolution" is given.
			name: "resolve_note", action: "resolve", body: `{"note": "unplugged it"}`,
			check: func(t *testing.T, tk wire.Ticket, _ time.Time) {
				if tk.Status != "resolved" || tk.Resolution != "unplugged it" {
					t.Errorf("status=%s resolution=%q, want resolved, unplugged it", tk.Status, tk.Resolution)
				}
			},
		},
	}
	version := a.MustGet(t, id).Version
	for _, st := range steps {
		a.Clock.Add(time.Minute)
		key := apiKey
		if st.key != "" {
			key = st.key
		}
		r := Request{Method: "POST", Path: "/v1/tickets/" + id + "/" + st.action, Auth: "Bearer " + key}
		if st.body != "" {
			r.ContentType, r.Body = "application/json", strings.NewReader(st.body)
		}
		resp := a.Do(t, r)
		if resp.Status != http.StatusOK {
			t.Fatalf("%s: Status=%v, want %v; body %s", st.name, resp.Status, http.StatusOK, resp.Body)
		}
		var tk wire.Ticket
		MustDecode(t, resp, &tk)
		if tk.ID != id || tk.Version != version+1 {
			t.Errorf("%s: id=%s version=%d, want %s at version %d", st.name, tk.ID, tk.Version, id, version+1)
		}
		version = tk.Version
		if stored := a.MustGet(t, id); stored.Version != tk.Version || stored.Status != tk.Status || len(stored.Timeline) != len(tk.Timeline) {
			t.Errorf("%s: the answer (version %d, %s, %d events) is not the stored ticket (version %d, %s, %d events)",
				st.name, tk.Version, tk.Status, len(tk.Timeline), stored.Version, stored.Status, len(stored.Timeline))
		}
		t.Run(st.name, func(t *testing.T) { st.check(t, tk, a.Clock.Now()) })
	}
}

// Ensure bad ticket API input gets its own status and a JSON error that
// says what to fix, and stores nothing: every ticket keeps its version.
func TestTickets_badInput(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	open := a.MustCreate(t, "open one")
	acked := a.MustCreate(t, "acknowledged one")
	a.MustAct(t, acked, "acknowledge", "")
	resolved := a.MustCreate(t, "resolved one")
	a.MustAct(t, resolved, "resolve", "")
	top := a.MustHook(t, `{"title": "at the top", "severity": "critical"}`)[0].TicketID
	a.MustAct(t, top, "escalate", `{"note": "to L3"}`)
	const unknownID = "00000000000000" // a well-formed ID no ticket has
	ops, hook := "Bearer "+apiKey, "Bearer "+hookToken
	overCapAction := padJSON(`{}`, httpapi.DefaultMaxBody+1) // an acknowledge, were it read

	tests := []struct {
		name    string
		method  string
		path    string
		auth    string
		ct      string
		body    string
		chunked bool
		status  int
		code    string
		msg     []string
	}{
		{
			// Ensure escalating without a note is 422: the next tier must not start from zero.
			name: "escalate_without_note", method: "POST", path: "/v1/tickets/" + open + "/escalate", auth: ops,
			ct: "application/json", body: `{}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"hand-off note"},
		},
		{
			// Ensure escalating with no body at all is 422 too.
			name: "escalate_without_body", method: "POST", path: "/v1/tickets/" + open + "/escalate", auth: ops,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"hand-off note"},
		},
		{
			// Ensure a blank note is no note.
			name: "escalate_blank_note", method: "POST", path: "/v1/tickets/" + open + "/escalate", auth: ops,
			ct: "application/json", body: `{"note": "  \n "}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"hand-off note"},
		},
		{
			// Ensure a ticket at the top tier cannot escalate further.
			name: "escalate_top_tier", method: "POST", path: "/v1/tickets/" + top + "/escalate", auth: ops,
			ct: "application/json", body: `{"note": "higher"}`,
			status: http.StatusConflict, code: "conflict", msg: []string{"L3", "top tier"},
		},
		{
			// Ensure acknowledging a resolved ticket is 409 and says to reopen.
			name: "acknowledge_resolved", method: "POST", path: "/v1/tickets/" + resolved + "/acknowledge", auth: ops,
			status: http.StatusConflict, code: "conflict", msg: []string{"resolved", "reopen"},
		},
		{
			// Ensure acknowledging twice is 409 and says who has it.
			name: "acknowledge_twice", method: "POST", path: "/v1/tickets/" + acked + "/acknowledge", auth: ops,
			status: http.StatusConflict, code: "conflict", msg: []string{"already acknowledged", "ops"},
		},
		{
			// Ensure resolving twice is 409.
			name: "resolve_twice", method: "POST", path: "/v1/tickets/" + resolved + "/resolve", auth: ops,
			ct: "application/json", body: `{"resolution": "again"}`,
			status: http.StatusConflict, code: "conflict", msg: []string{"already resolved"},
		},
		{
			// Ensure reopening an open ticket is 409.
			name: "reopen_open", method: "POST", path: "/v1/tickets/" + open + "/reopen", auth: ops,
			status: http.StatusConflict, code: "conflict", msg: []string{"only a resolved ticket"},
		},
		{
			// Ensure assigning without an assignee is 422.
			name: "assign_without_assignee", method: "POST", path: "/v1/tickets/" + open + "/assign", auth: ops,
			ct: "application/json", body: `{"note": "to whom?"}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"assignee is required"},
		},
		{
			// Ensure a note without text is 422.
			name: "note_without_text", method: "POST", path: "/v1/tickets/" + open + "/notes", auth: ops,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"note is required"},
		},
		{
			// Ensure a note over its limit is 422 and names the limit.
			name: "note_too_long", method: "POST", path: "/v1/tickets/" + open + "/notes", auth: ops,
			ct: "application/json", body: `{"note": "` + strings.Repeat("n", 8193) + `"}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"8192"},
		},
		{
			// Ensure an unknown tier in the list query is 422 and names the tiers.
			name: "list_bad_tier", method: "GET", path: "/v1/tickets?tier=L9", auth: ops,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{`"L9"`, "L1, L2 or L3"},
		},
		{
			// Ensure an unknown status is 422 and names the statuses.
			name: "list_bad_status", method: "GET", path: "/v1/tickets?status=closed", auth: ops,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{`"closed"`, "open, acknowledged or resolved"},
		},
		{
			// Ensure a limit that is no number is 422 and names the range.
			name: "list_limit_not_a_number", method: "GET", path: "/v1/tickets?limit=ten", auth: ops,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{`"ten"`, "1 to 500"},
		},
		{
			// Ensure limit 0 is refused, not taken for the default.
			name: "list_limit_zero", method: "GET", path: "/v1/tickets?limit=0", auth: ops,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"1 to 500"},
		},
		{
			// Ensure a negative limit is 422.
			name: "list_limit_negative", method: "GET", path: "/v1/tickets?limit=-3", auth: ops,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"1 to 500"},
		},
		{
			// Ensure a limit over the maximum is refused, not silently capped.
			name: "list_limit_over_max", method: "GET", path: "/v1/tickets?limit=501", auth: ops,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"1 to 500"},
		},
		{
			// Ensure a cursor the API never gave out is 422.
			name: "list_bad_cursor", method: "GET", path: "/v1/tickets?cursor=not-a-cursor!", auth: ops,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"cursor"},
		},
		{
			// Ensure an unknown action is 404 and lists the actions.
			name: "unknown_action", method: "POST", path: "/v1/tickets/" + open + "/explode", auth: ops,
			status: http.StatusNotFound, code: "not_found", msg: []string{`"explode"`, "acknowledge, resolve, escalate, notes, assign or reopen"},
		},
		{
			// Ensure reading an id that cannot exist is 404 and shows what ids look like.
			name: "get_impossible_id", method: "GET", path: "/v1/tickets/no-such-ticket!", auth: ops,
			status: http.StatusNotFound, code: "not_found", msg: []string{"14 letters and digits"},
		},
		{
			// Ensure acting on an id that cannot exist is 404.
			name: "act_impossible_id", method: "POST", path: "/v1/tickets/xyz/acknowledge", auth: ops,
			status: http.StatusNotFound, code: "not_found", msg: []string{`"xyz"`},
		},
		{
			// Ensure reading a well-formed id of no ticket is 404.
			name: "get_unknown_id", method: "GET", path: "/v1/tickets/" + unknownID, auth: ops,
			status: http.StatusNotFound, code: "not_found", msg: []string{unknownID},
		},
		{
			// Ensure acting on a well-formed id of no ticket is 404.
			name: "act_unknown_id", method: "POST", path: "/v1/tickets/" + unknownID + "/resolve", auth: ops,
			status: http.StatusNotFound, code: "not_found", msg: []string{unknownID},
		},
		{
			// Ensure unknown fields are refused: a typo must not pass as an empty note.
			name: "action_unknown_field", method: "POST", path: "/v1/tickets/" + open + "/notes", auth: ops,
			ct: "application/json", body: `{"note": "x", "nots": "y"}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"nots", "actor, note, resolution or assignee"},
		},
		{
			// Ensure a field of the wrong type is 422 and names the field.
			name: "action_wrong_type", method: "POST", path: "/v1/tickets/" + open + "/notes", auth: ops,
			ct: "application/json", body: `{"note": 5}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"note", "a string"},
		},
		{
			// Ensure a body that is a list, not an object, is 422.
			name: "action_list_body", method: "POST", path: "/v1/tickets/" + open + "/notes", auth: ops,
			ct: "application/json", body: `[{"note": "x"}]`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"an object"},
		},
		{
			// Ensure a body that is not JSON is 400.
			name: "action_invalid_json", method: "POST", path: "/v1/tickets/" + open + "/notes", auth: ops,
			ct: "application/json", body: `{note: "x"}`,
			status: http.StatusBadRequest, code: "malformed", msg: []string{"not valid JSON"},
		},
		{
			// Ensure a body cut short is 400, not 422.
			name: "action_truncated_json", method: "POST", path: "/v1/tickets/" + open + "/notes", auth: ops,
			ct: "application/json", body: `{"note": "x"`,
			status: http.StatusBadRequest, code: "malformed", msg: []string{"not valid JSON"},
		},
		{
			// Ensure data after the object is 400, not silently dropped.
			name: "action_trailing_data", method: "POST", path: "/v1/tickets/" + open + "/notes", auth: ops,
			ct: "application/json", body: `{"note": "x"} {"note": "y"}`,
			status: http.StatusBadRequest, code: "malformed", msg: []string{"not valid JSON"},
		},
		{
			// Ensure a body that is not JSON by its content type is 415.
			name: "action_text_plain", method: "POST", path: "/v1/tickets/" + open + "/notes", auth: ops,
			ct: "text/plain", body: `{"note": "x"}`,
			status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: []string{"Content-Type: application/json"},
		},
		{
			// Ensure an action body over the cap is 413.
			name: "action_over_cap", method: "POST", path: "/v1/tickets/" + open + "/acknowledge", auth: ops,
			ct: "application/json", body: overCapAction,
			status: http.StatusRequestEntityTooLarge, code: "too_large", msg: []string{"1048576"},
		},
		{
			// Ensure a chunked action body over the cap is 413.
			name: "action_over_cap_chunked", method: "POST", path: "/v1/tickets/" + open + "/acknowledge", auth: ops,
			ct: "application/json", body: overCapAction, chunked: true,
			status: http.StatusRequestEntityTooLarge, code: "too_large", msg: []string{"1048576"},
		},
		{
			// Ensure listing without an api key is 401 and says how to send one.
			name: "list_without_key", method: "GET", path: "/v1/tickets",
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"Authorization: Bearer"},
		},
		{
			// Ensure reading with a wrong api key is 401.
			name: "get_wrong_key", method: "GET", path: "/v1/tickets/" + open, auth: "Bearer wrong-key",
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"api key is not valid"},
		},
		{
			// Ensure acting without an api key is 401.
			name: "act_without_key", method: "POST", path: "/v1/tickets/" + open + "/acknowledge",
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"Authorization: Bearer"},
		},
		{
			// Ensure acting with a wrong api key is 401.
			name: "act_wrong_key", method: "POST", path: "/v1/tickets/" + open + "/acknowledge", auth: "Bearer wrong-key",
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"api key is not valid"},
		},
		{
			// Ensure a hook token is not an api key.
			name: "act_with_hook_token", method: "POST", path: "/v1/tickets/" + open + "/acknowledge", auth: hook,
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"api key is not valid"},
		},
		{
			// Ensure the api key is read only from the header, never from the URL, where logs keep it.
			name: "act_key_in_query", method: "POST", path: "/v1/tickets/" + open + "/acknowledge?token=" + apiKey,
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"Authorization: Bearer"},
		},
		{
			// Ensure an empty Bearer is no key.
			name: "act_empty_bearer", method: "POST", path: "/v1/tickets/" + open + "/acknowledge", auth: "Bearer ",
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"Authorization: Bearer"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.MustSnapshot(t)
			if len(before) != 4 {
				t.Fatalf("%d tickets before, want 4", len(before))
			}
			r := Request{Method: tt.method, Path: tt.path, Auth: tt.auth, ContentType: tt.ct}
			if tt.body != "" {
				r.Body = strings.NewReader(tt.body)
			}
			if tt.chunked {
				r.Body, r.Length = io.MultiReader(r.Body), -1
			}
			AssertError(t, a.Do(t, r), tt.status, tt.code, tt.msg...)
			a.AssertUnchanged(t, before)
		})
	}
}
