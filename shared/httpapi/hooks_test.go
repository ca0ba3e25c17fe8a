package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/wire"
)

// Ensure each signal's outcome is answered, in the order a monitoring tool
// sends them over an alert's life, and that the ticket shows what they did.
func TestHook_outcomes(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	const key = `"dedup_key": "db-1/disk"`
	var first string
	steps := []struct {
		name    string
		body    string
		outcome string
		same    bool // the ticket of the first step
	}{
		// Ensure a new alert opens a ticket.
		{name: "trigger_creates", body: `{"title": "disk full on db-1", ` + key + `}`, outcome: "created"},
		// Ensure a repeat of the open alert is counted on it, not filed again.
		{name: "repeat_is_occurrence", body: `{"title": "disk full on db-1", ` + key + `}`, outcome: "occurrence", same: true},
		// Ensure the source can acknowledge the open ticket.
		{name: "ack_acknowledges", body: `{` + key + `, "action": "ack"}`, outcome: "acknowledged", same: true},
		// Ensure a second acknowledge is valid but does nothing.
		{name: "second_ack_ignored", body: `{` + key + `, "action": "acknowledge"}`, outcome: "ignored", same: true},
		// Ensure a "resolved" from the source resolves the ticket.
		{name: "resolve_resolves", body: `{` + key + `, "action": "resolved"}`, outcome: "resolved", same: true},
		// Ensure a repeated resolve is valid but does nothing.
		{name: "second_resolve_ignored", body: `{` + key + `, "action": "ok"}`, outcome: "ignored", same: true},
	}
	for _, st := range steps {
		res := a.MustHook(t, st.body)
		if len(res) != 1 || res[0].Outcome != st.outcome {
			t.Fatalf("%s: results %+v, want one %s", st.name, res, st.outcome)
		}
		if first == "" {
			first = res[0].TicketID
		}
		if st.same && res[0].TicketID != first {
			t.Errorf("%s: ticket_id=%q, want %q", st.name, res[0].TicketID, first)
		}
	}
	tk := a.MustGet(t, first)
	if tk.Status != "resolved" || tk.Occurrences != 2 || tk.Title != "disk full on db-1" || tk.Integration != "monitor" {
		t.Errorf("ticket status=%q occurrences=%d title=%q integration=%q, want resolved, 2, the title, monitor",
			tk.Status, tk.Occurrences, tk.Title, tk.Integration)
	}

	// Ensure an acknowledge of an alert never seen is ignored without a ticket.
	if res := a.MustHook(t, `{"dedup_key": "never-seen", "action": "ack"}`); len(res) != 1 || res[0].Outcome != "ignored" || res[0].TicketID != "" {
		t.Errorf("ack of an unknown key: results %+v, want one ignored without ticket_id", res)
	}
	// Ensure the alert firing again after the resolve opens a new ticket linked to the old.
	res := a.MustHook(t, `{"title": "disk full on db-1", `+key+`}`)
	if len(res) != 1 || res[0].Outcome != "created" || res[0].TicketID == first {
		t.Fatalf("trigger after resolve: results %+v, want one created with a new ticket", res)
	}
	if again := a.MustGet(t, res[0].TicketID); again.Previous != first || again.Status != "open" {
		t.Errorf("new ticket previous=%q status=%q, want %q, open", again.Previous, again.Status, first)
	}
}

// Ensure a list body answers one result per alert, in order, and the
// routes of the config place each ticket.
func TestHook_listAndRoutes(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	res := a.MustHook(t, `[{"title": "cpu hot", "dedup_key": "cpu"}, {"title": "db down", "dedup_key": "db", "severity": "critical"}, {"title": "cpu hot", "dedup_key": "cpu"}]`)
	if len(res) != 3 || res[0].Outcome != "created" || res[1].Outcome != "created" || res[2].Outcome != "occurrence" {
		t.Fatalf("results %+v, want created, created, occurrence", res)
	}
	if res[0].TicketID != res[2].TicketID || res[0].TicketID == res[1].TicketID {
		t.Errorf("ticket ids %q %q %q, want the first and last equal", res[0].TicketID, res[1].TicketID, res[2].TicketID)
	}
	cpu, db := a.MustGet(t, res[0].TicketID), a.MustGet(t, res[1].TicketID)
	if cpu.Tier != "L1" || cpu.Priority != "P3" {
		t.Errorf("cpu tier=%s priority=%s, want L1 P3", cpu.Tier, cpu.Priority)
	}
	if db.Tier != "L2" || db.Priority != "P1" {
		t.Errorf("critical tier=%s priority=%s, want L2 P1 (the route)", db.Tier, db.Priority)
	}
}

// Ensure the ways a sender may present its token are accepted.
func TestHook_tokenPlaces(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	tests := []struct {
		name string
		path string
		auth string
	}{
		// Ensure the token is read from the query, for senders (SNS) that cannot set headers.
		{name: "query", path: "/v1/hooks/monitor?token=" + hookToken},
		// Ensure the Bearer scheme is matched without regard to case.
		{name: "bearer_lower_case", path: "/v1/hooks/monitor", auth: "bearer " + hookToken},
		// Ensure the header wins over the query when both are given.
		{name: "header_and_query", path: "/v1/hooks/monitor?token=wrong", auth: "Bearer " + hookToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.Do(t, Request{Method: "POST", Path: tt.path, Auth: tt.auth, ContentType: "application/json",
				Body: strings.NewReader(`{"title": "` + tt.name + `"}`)})
			if resp.Status != http.StatusAccepted {
				t.Fatalf("Status=%v, want %v; body %s", resp.Status, http.StatusAccepted, resp.Body)
			}
			var out wire.HookResponse
			MustDecode(t, resp, &out)
			if len(out.Results) != 1 || out.Results[0].Outcome != "created" {
				t.Errorf("results %+v, want one created", out.Results)
			}
		})
	}
}

// overCap is a hook body one byte over the cap that would, were it read,
// be valid and resolve the ticket with dedup key "existing".
var overCap = padJSON(`{"dedup_key": "existing", "action": "resolve"}`, httpapi.DefaultMaxBody+1)

// padJSON pads a JSON body with trailing blanks to n bytes.
func padJSON(body string, n int) string { return body + strings.Repeat(" ", n-len(body)) }

// Ensure bad hook input gets its own status and a JSON error that says
// what to fix, and stores nothing: the one ticket there is keeps its
// version although every body below would resolve it if applied.
func TestHook_badInput(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	a.MustCreate(t, "existing")
	const resolve = `{"dedup_key": "existing", "action": "resolve"}`
	const path = "/v1/hooks/monitor"
	bearer := "Bearer " + hookToken
	tests := []struct {
		name    string
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
			// Ensure a body that is not JSON is 400.
			name: "malformed_json", path: path, auth: bearer, ct: "application/json",
			body:   `{"dedup_key": existing, "action": "resolve"}`,
			status: http.StatusBadRequest, code: "malformed", msg: []string{"not valid JSON"},
		},
		{
			// Ensure a body cut short is 400, not 422.
			name: "truncated_json", path: path, auth: bearer, ct: "application/json",
			body:   `{"dedup_key": "existing", "action": "resolve"`,
			status: http.StatusBadRequest, code: "malformed", msg: []string{"not valid JSON"},
		},
		{
			// Ensure an empty body is 400.
			name: "empty_body", path: path, auth: bearer, ct: "application/json",
			status: http.StatusBadRequest, code: "malformed", msg: []string{"not valid JSON"},
		},
		{
			// Ensure a JSON body sent as text/plain is 415 and names the right type.
			name: "text_plain", path: path, auth: bearer, ct: "text/plain", body: resolve,
			status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: []string{"text/plain", "Content-Type: application/json"},
		},
		{
			// Ensure a body without a content type is 415.
			name: "missing_content_type", path: path, auth: bearer, body: resolve,
			status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: []string{"Content-Type: application/json"},
		},
		{
			// Ensure an integration not in the config is 404 and named.
			name: "unknown_integration", path: "/v1/hooks/nagios", auth: bearer, ct: "application/json", body: resolve,
			status: http.StatusNotFound, code: "not_found", msg: []string{`"nagios"`},
		},
		{
			// Ensure a hook without a token is 401 and says how to send one.
			name: "missing_token", path: path, ct: "application/json", body: resolve,
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"Authorization: Bearer", "?token="},
		},
		{
			// Ensure a wrong token in the header is 401.
			name: "wrong_token", path: path, auth: "Bearer not-the-token", ct: "application/json", body: resolve,
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"token", `"monitor"`},
		},
		{
			// Ensure a wrong token in the query is 401.
			name: "wrong_token_in_query", path: path + "?token=not-the-token", ct: "application/json", body: resolve,
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"token"},
		},
		{
			// Ensure an api key is not a hook token.
			name: "api_key_as_token", path: path, auth: "Bearer " + apiKey, ct: "application/json", body: resolve,
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"token"},
		},
		{
			// Ensure the token in another scheme is not taken for a Bearer token.
			name: "basic_scheme", path: path, auth: "Basic " + hookToken, ct: "application/json", body: resolve,
			status: http.StatusUnauthorized, code: "unauthorized", msg: []string{"Authorization: Bearer"},
		},
		{
			// Ensure a number for a text field is 422 and names the field.
			name: "number_for_title", path: path, auth: bearer, ct: "application/json",
			body:   `{"title": 5, "dedup_key": "existing", "action": "resolve"}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"title", "a string"},
		},
		{
			// Ensure a list for labels is 422 and names the field.
			name: "list_for_labels", path: path, auth: bearer, ct: "application/json",
			body:   `{"labels": ["a"], "dedup_key": "existing", "action": "resolve"}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"labels", "an object"},
		},
		{
			// Ensure a new alert without a title is 422 and says to give one.
			name: "no_title", path: path, auth: bearer, ct: "application/json", body: `{"description": "something"}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"title is required"},
		},
		{
			// Ensure an unknown action is 422 and lists the actions.
			name: "bad_action", path: path, auth: bearer, ct: "application/json", body: `{"dedup_key": "existing", "action": "explode"}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"trigger, acknowledge or resolve"},
		},
		{
			// Ensure an unknown priority is 422 and names the range.
			name: "bad_priority", path: path, auth: bearer, ct: "application/json", body: `{"title": "t", "priority": "P0"}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"P1 to P5"},
		},
		{
			// Ensure a link that is not http(s) is 422: links are shown to people.
			name: "script_link", path: path, auth: bearer, ct: "application/json", body: `{"title": "t", "links": ["javascript:alert(1)"]}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"http or https"},
		},
		{
			// Ensure an empty list is 422.
			name: "empty_list", path: path, auth: bearer, ct: "application/json", body: `[]`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"empty"},
		},
		{
			// Ensure one bad alert in a list refuses the valid ones before it too.
			name: "bad_second_alert", path: path, auth: bearer, ct: "application/json",
			body:   `[` + resolve + `, {"description": "no title"}]`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"signal 2 of 2", "title is required"},
		},
		{
			// Ensure a dedup key over its limit is 422 and names the limit.
			name: "long_dedup_key", path: path, auth: bearer, ct: "application/json",
			body:   `{"title": "t", "dedup_key": "` + strings.Repeat("k", 513) + `"}`,
			status: http.StatusUnprocessableEntity, code: "invalid", msg: []string{"dedup_key", "512"},
		},
		{
			// Ensure a body over the cap is 413 from its Content-Length, before it is read.
			name: "over_cap_content_length", path: path, auth: bearer, ct: "application/json", body: overCap,
			status: http.StatusRequestEntityTooLarge, code: "too_large", msg: []string{"1048577 bytes", "1048576"},
		},
		{
			// Ensure a chunked body, whose length is not announced, is cut at the cap and 413.
			name: "over_cap_chunked", path: path, auth: bearer, ct: "application/json", body: overCap, chunked: true,
			status: http.StatusRequestEntityTooLarge, code: "too_large", msg: []string{"limit of 1048576"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.MustSnapshot(t)
			if len(before) != 1 {
				t.Fatalf("%d tickets before, want the 1 existing", len(before))
			}
			r := Request{Method: "POST", Path: tt.path, Auth: tt.auth, ContentType: tt.ct}
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

// Ensure a body of exactly the cap is read whole and accepted, sent with
// a Content-Length or chunked.
func TestHook_bodyAtCap(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	for _, chunked := range []bool{false, true} {
		body := padJSON(`{"title": "big body", "dedup_key": "big"}`, httpapi.DefaultMaxBody)
		r := Request{Method: "POST", Path: "/v1/hooks/monitor", Auth: "Bearer " + hookToken,
			ContentType: "application/json", Body: strings.NewReader(body)}
		if chunked {
			r.Body, r.Length = io.MultiReader(r.Body), -1
		}
		resp := a.Do(t, r)
		if resp.Status != http.StatusAccepted {
			t.Errorf("chunked=%v: Status=%v, want %v; body %s", chunked, resp.Status, http.StatusAccepted, resp.Body)
		}
	}
}

// Ensure a store failure answers 503 with Retry-After, so that senders
// retry, and says no more than that the store is unavailable. Writes fail
// here because the tables are gone: closing the database under the server
// (see TestAPI_databaseClosed) is not used for writes, because
// localdb.Write after Close may block forever instead of returning
// ErrClosed (its select may still send to the buffered ops channel).
func TestHook_storeUnavailable(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	id := a.MustCreate(t, "before the failure")
	err := a.DB.Write(context.Background(), func(tx *localdb.Tx) error {
		if _, err := tx.Exec("DROP TABLE timeline"); err != nil {
			return err
		}
		_, err := tx.Exec("DROP TABLE tickets")
		return err
	})
	if err != nil {
		t.Fatalf("drop the tables: %v", err)
	}
	tests := []struct {
		name string
		do   func(t *testing.T) Response
	}{
		// Ensure a hook whose write fails is 503.
		{name: "hook", do: func(t *testing.T) Response { return a.Hook(t, `{"title": "during the failure"}`) }},
		// Ensure an action whose write fails is 503.
		{name: "action", do: func(t *testing.T) Response {
			return a.Call(t, "POST", "/v1/tickets/"+id+"/acknowledge", "")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			AssertUnavailable(t, tt.do(t), "no such table")
		})
	}
}
