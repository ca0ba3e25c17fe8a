package desk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

func TestGet(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicket(t, e, Alert("db-1"))
	tests := []struct {
		name string
		id   string
		want ticket.Code // "" when found
	}{
		// Ensure a ticket is found by its id.
		{name: "exact", id: tk.ID},
		// Ensure an id read out over the phone is found: any case, with hyphens.
		{name: "typed_by_a_person", id: strings.ToUpper(tk.ID[:7]) + "-" + tk.ID[7:]},
		// Ensure something that cannot be an id is "not found", not "invalid".
		{name: "malformed", id: "not an id", want: ticket.NotFound},
		// Ensure a well-formed id of no ticket is not found.
		{name: "unknown", id: Unknown, want: ticket.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := e.Desk.Get(ctx, tt.id)
			if code := ticket.ErrorCode(err); code != tt.want {
				t.Fatalf("Code=%v, want %v (err: %v)", code, tt.want, err)
			}
			if tt.want == "" && (got.ID != tk.ID || len(got.Timeline) != 1) {
				t.Errorf("ID=%s with %d events, want %s with its timeline", got.ID, len(got.Timeline), tk.ID)
			}
		})
	}
}

// Ensure List selects by tier and status.
func TestList(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	l1 := MustTicket(t, e, Alert("db-1"))
	l2 := MustTicket(t, e, ticket.Signal{Title: "site down", DedupKey: "web", Severity: "critical"})
	MustTicketIn(t, e, "db-2", ticket.StatusResolved)
	tests := []struct {
		name string
		q    store.Query
		want []string
	}{
		// Ensure a tier's queue view shows only its tickets.
		{name: "open_at_l2", q: store.Query{Tier: ticket.L2, Status: ticket.StatusOpen}, want: []string{l2.ID}},
		// Ensure resolved tickets are left out of the open ones.
		{name: "open_at_l1", q: store.Query{Tier: ticket.L1, Status: ticket.StatusOpen}, want: []string{l1.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := e.Desk.List(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tk := range page.Tickets {
				got = append(got, tk.ID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("IDs=%v, want %v", got, tt.want)
			}
		})
	}
}

// Ensure Latest finds what a sender naming a dedup key reaches: the open
// ticket, else the newest resolved one, else nothing; and writes nothing.
func TestLatest(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	old := MustTicketIn(t, e, "db-1", ticket.StatusResolved)
	e.Clock.Add(time.Minute)
	open := MustTicket(t, e, Alert("db-1"))
	resolved := MustTicketIn(t, e, "db-2", ticket.StatusResolved)
	tests := []struct {
		name string
		key  string
		want *ticket.Ticket // nil: not found
	}{
		// Ensure the open ticket wins over an older resolved one of the key.
		{name: "open", key: "db-1", want: open},
		// Ensure a key whose tickets are all resolved reaches the newest.
		{name: "resolved", key: "db-2", want: resolved},
		// Ensure a key never seen is not found.
		{name: "unknown", key: "db-3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Desk.Latest(ctx, "prometheus", tt.key)
			if tt.want == nil {
				if ticket.ErrorCode(err) != ticket.NotFound {
					t.Fatalf("Latest: %v, want not found", err)
				}
				return
			}
			if err != nil || got.ID != tt.want.ID {
				t.Fatalf("Latest: %v %v, want %s", got, err, tt.want.ID)
			}
		})
	}
	for _, tk := range []*ticket.Ticket{old, open, resolved} {
		if v := MustGet(t, e, tk.ID).Version; v != tk.Version {
			t.Errorf("ticket %s: Version=%d, want %d: Latest writes nothing", tk.ID, v, tk.Version)
		}
	}
}
