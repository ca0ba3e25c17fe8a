package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// Ensure every action through the ticket API records the api key's name
// as the actor, with the person a body claims to act for beside it, and
// that acknowledge and assign keep the note they are given, in the same
// write as the action.
func TestActionsRecordTheKeyAndTheNote(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	id := a.MustCreate(t, "printer on fire")
	tests := []struct {
		action, body string
		want         []wire.Event // the events the action appends: kind, actor, on_behalf_of, note
		assignee     string
	}{
		{action: "acknowledge", body: `{"actor": "mallory", "note": "on my way with an extinguisher"}`,
			want: []wire.Event{{Kind: "acknowledged", Actor: "ops", OnBehalf: "mallory"},
				{Kind: "noted", Actor: "ops", OnBehalf: "mallory", Note: "on my way with an extinguisher"}},
			assignee: "mallory"},
		{action: "assign", body: `{"assignee": "carol", "note": "carol knows this printer"}`,
			want: []wire.Event{{Kind: "assigned", Actor: "ops", Assignee: "carol"},
				{Kind: "noted", Actor: "ops", Note: "carol knows this printer"}},
			assignee: "carol"},
		{action: "assign", body: `{"assignee": "dave", "actor": "carol"}`,
			want:     []wire.Event{{Kind: "assigned", Actor: "ops", OnBehalf: "carol", Assignee: "dave"}},
			assignee: "dave"},
		{action: "escalate", body: `{"actor": "dave", "note": "fuser melted"}`,
			want: []wire.Event{{Kind: "escalated", Actor: "ops", OnBehalf: "dave", Note: "fuser melted", From: "L1", To: "L2",
				Reason: "escalated by ops (as dave)", Notice: 2}}},
		{action: "resolve", body: `{"actor": "dave", "resolution": "new printer"}`,
			want: []wire.Event{{Kind: "resolved", Actor: "ops", OnBehalf: "dave", Note: "new printer"}}},
	}
	for _, tt := range tests {
		before := len(a.MustGet(t, id).Timeline)
		tk := a.MustAct(t, id, tt.action, tt.body)
		var got []wire.Event
		for _, e := range tk.Timeline[before:] {
			e.At = time.Time{} // compared below on what was done and by whom
			got = append(got, e)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %s appended %+v, want %+v", tt.action, tt.body, got, tt.want)
		}
		if tt.assignee != "" && tk.Assignee != tt.assignee {
			t.Errorf("%s: assignee %q, want %q", tt.action, tk.Assignee, tt.assignee)
		}
	}
}

// Ensure what a ticket cannot keep is refused with a message that names
// the field and its limit, and stores nothing.
func TestActionsOverLimits(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	id := a.MustCreate(t, "printer on fire")
	tests := []struct {
		name, action, body string
		status             int
		msg                string
	}{
		{name: "claimed_actor_too_long", action: "notes", status: http.StatusUnprocessableEntity,
			body: fmt.Sprintf(`{"note": "x", "actor": %q}`, strings.Repeat("m", ticket.MaxName+1)),
			msg:  fmt.Sprintf("the actor (the person acted for) is %d bytes long; the limit is %d", ticket.MaxName+1, ticket.MaxName)},
		{name: "acknowledge_note_too_long", action: "acknowledge", status: http.StatusUnprocessableEntity,
			body: fmt.Sprintf(`{"note": %q}`, strings.Repeat("n", ticket.MaxNote+1)),
			msg:  fmt.Sprintf("note is %d bytes long; the limit is %d", ticket.MaxNote+1, ticket.MaxNote)},
		{name: "assignee_too_long", action: "assign", status: http.StatusUnprocessableEntity,
			body: fmt.Sprintf(`{"assignee": %q}`, strings.Repeat("a", ticket.MaxName+1)),
			msg:  fmt.Sprintf("assignee is %d bytes long; the limit is %d", ticket.MaxName+1, ticket.MaxName)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.MustGet(t, id)
			resp := a.Call(t, "POST", "/v1/tickets/"+id+"/"+tt.action, tt.body)
			var e wire.Error
			MustDecode(t, resp, &e)
			if resp.Status != tt.status || !strings.Contains(e.Error.Message, tt.msg) {
				t.Errorf("Status=%d message %q, want %d saying %q", resp.Status, e.Error.Message, tt.status, tt.msg)
			}
			if after := a.MustGet(t, id); after.Version != before.Version {
				t.Errorf("the refused action wrote: version %d → %d", before.Version, after.Version)
			}
		})
	}
}

// Ensure a note past the timeline's bound is refused with 409 and a
// message saying what to do, while the ticket can still be resolved.
func TestNotesPastTheTimelineBound(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	id := a.MustCreate(t, "chatty")
	note, _ := json.Marshal(map[string]string{"note": strings.Repeat("n", ticket.MaxNote)})
	for range ticket.MaxTimelineNotes / ticket.MaxNote {
		a.MustAct(t, id, "notes", string(note))
	}
	resp := a.Call(t, "POST", "/v1/tickets/"+id+"/notes", `{"note": "one more"}`)
	var e wire.Error
	MustDecode(t, resp, &e)
	if resp.Status != http.StatusConflict || !strings.Contains(e.Error.Message, "open a new ticket") {
		t.Errorf("Status=%d message %q, want 409 asking for a new ticket", resp.Status, e.Error.Message)
	}
	if tk := a.MustAct(t, id, "resolve", `{"resolution": "done talking"}`); tk.Status != "resolved" {
		t.Errorf("a full ticket did not resolve: %s", tk.Status)
	}
}

// Ensure a hook answer says which fields of each alert were cut to their
// limits, and the ticket keeps the mark.
func TestHookSaysWhatWasTruncated(t *testing.T) {
	t.Parallel()
	a := MustOpenAPI(t)
	body, _ := json.Marshal([]map[string]any{
		{"title": strings.Repeat("t", ticket.MaxTitle+1), "dedup_key": "long", "description": strings.Repeat("d", ticket.MaxDescription+1)},
		{"title": "short", "dedup_key": "short"},
	})
	res := a.MustHook(t, string(body))
	if len(res) != 2 || !slices.Equal(res[0].Truncated, []string{"description", "title"}) || res[1].Truncated != nil {
		t.Fatalf("results %+v, want the first to list description and title, the second nothing", res)
	}
	if tk := a.MustGet(t, res[0].TicketID); !slices.Equal(tk.Truncated, []string{"description", "title"}) ||
		len(tk.Title) != ticket.MaxTitle || !strings.HasSuffix(tk.Title, "…") {
		t.Errorf("ticket truncated=%q title %d bytes, want the marks and a title cut to %d with …", tk.Truncated, len(tk.Title), ticket.MaxTitle)
	}
	many := make([]string, ticket.MaxLinks+8)
	for i := range many {
		many[i] = fmt.Sprintf("https://dash.example/%d", i)
	}
	body, _ = json.Marshal(map[string]any{"title": "linked", "links": many})
	if res := a.MustHook(t, string(body)); !slices.Equal(res[0].Truncated, []string{"links"}) ||
		len(a.MustGet(t, res[0].TicketID).Links) != ticket.MaxLinks {
		t.Errorf("%d links: results %+v, want the first %d kept and links marked truncated", len(many), res, ticket.MaxLinks)
	}
	raw := a.Hook(t, `{"title": "labelled", "labels": {"x": "`+strings.Repeat("v", ticket.MaxLabelValue+1)+`"}}`)
	var e wire.Error
	MustDecode(t, raw, &e)
	if raw.Status != http.StatusUnprocessableEntity || !strings.Contains(e.Error.Message, "label") {
		t.Errorf("over-long label: Status=%d %q, want 422 naming the label", raw.Status, e.Error.Message)
	}
}
