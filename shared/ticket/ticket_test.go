package ticket_test

import (
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// now is the fixed clock of every test: no assertion reads the wall clock.
var now = time.Date(2026, time.March, 14, 9, 0, 0, 0, time.UTC)

// testID is the ID of the tickets the tests open.
const testID = "01jq3v5x7k9m2p"

// policy gives each tier the deadlines of the design's default policy.
var policy = map[ticket.Tier]ticket.Deadlines{
	ticket.L1: {Acknowledge: 15 * time.Minute, Resolve: 4 * time.Hour},
	ticket.L2: {Acknowledge: 30 * time.Minute, Resolve: 8 * time.Hour},
	ticket.L3: {Acknowledge: time.Hour, Resolve: 24 * time.Hour},
}

// trigger returns a normalised trigger signal, as a decoder would make it.
func trigger() ticket.Signal {
	return ticket.Signal{
		Action:   ticket.Trigger,
		DedupKey: "disk-full/db1",
		Title:    "Disk full on db1",
		Severity: "critical",
		Source:   "db1",
		Labels:   map[string]string{"host": "db1"},
	}
}

// MustNew opens a ticket from trigger() at tier, with the tier's deadlines, at now.
func MustNew(tb testing.TB, tier ticket.Tier) *ticket.Ticket {
	tb.Helper()
	p := ticket.Placement{Tier: tier, Policy: "default", Deadlines: policy[tier]}
	t, err := ticket.New(testID, "prometheus", trigger(), p, nil, now)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return t
}

// MustTicket returns a ticket at tier in status, brought there through the
// lifecycle: acknowledged by alice a minute after opening, resolved by her a
// minute later.
func MustTicket(tb testing.TB, tier ticket.Tier, status ticket.Status) *ticket.Ticket {
	tb.Helper()
	t := MustNew(tb, tier)
	if status == ticket.StatusAcknowledged || status == ticket.StatusResolved {
		if err := t.Acknowledge("alice", policy[t.Tier], now.Add(time.Minute)); err != nil {
			tb.Fatalf("Acknowledge: %v", err)
		}
	}
	if status == ticket.StatusResolved {
		if err := t.Resolve("alice", "freed space", now.Add(2*time.Minute)); err != nil {
			tb.Fatalf("Resolve: %v", err)
		}
	}
	return t
}

// Clone returns a deep copy of t, so that a test can tell whether a move
// changed it.
func Clone(t *ticket.Ticket) *ticket.Ticket {
	c := *t
	c.Labels = maps.Clone(t.Labels)
	c.Details = maps.Clone(t.Details)
	c.Links = slices.Clone(t.Links)
	c.Timeline = slices.Clone(t.Timeline)
	return &c
}

// Last returns the last event of t's timeline.
func Last(tb testing.TB, t *ticket.Ticket) ticket.Event {
	tb.Helper()
	if len(t.Timeline) == 0 {
		tb.Fatal("timeline is empty")
	}
	return t.Timeline[len(t.Timeline)-1]
}

func TestNew(t *testing.T) {
	t.Parallel()

	// Ensure a ticket carries the signal, the placement and a created event.
	t.Run("opens_ticket_from_signal", func(t *testing.T) {
		t.Parallel()
		s := trigger()
		s.Description = "95% used"
		s.Category = "hardware"
		s.Details = map[string]any{"used": 0.95}
		s.Links = []ticket.Link{{Href: "https://grafana.example/d/1", Text: "dashboard"}}
		s.Requester = ticket.Person{Name: "Ann", Email: "ann@example.com"}
		p := ticket.Placement{Tier: ticket.L2, Policy: "db", Deadlines: policy[ticket.L2]}

		got, err := ticket.New(testID, "prometheus", s, p, nil, now)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		want := &ticket.Ticket{
			ID: testID, Integration: "prometheus", Source: "db1", DedupKey: "disk-full/db1",
			Title: "Disk full on db1", Description: "95% used",
			Labels: s.Labels, Details: s.Details, Links: s.Links, Requester: s.Requester,
			Category: "hardware",
			Priority: ticket.P1, Tier: ticket.L2, Policy: "db", Status: ticket.StatusOpen,
			Occurrences: 1, FirstSeen: now, LastSeen: now, CreatedAt: now, UpdatedAt: now,
			AcknowledgeBy: now.Add(30 * time.Minute), ResolveBy: now.Add(8 * time.Hour),
			Notices: 1, Clock: 1,
			Timeline: []ticket.Event{{At: now, Kind: ticket.EventCreated, Actor: "prometheus",
				To: ticket.L2, Reason: "new ticket", Notice: 1}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("New=\n%+v\nwant\n%+v", got, want)
		}
	})

	// Ensure a ticket that follows a resolved one links it and says so.
	t.Run("links_previous_ticket", func(t *testing.T) {
		t.Parallel()
		prev := MustTicket(t, ticket.L1, ticket.StatusResolved)
		p := ticket.Placement{Tier: ticket.L1, Deadlines: policy[ticket.L1]}
		got, err := ticket.New("01jq3v5x7k9m2q", "prometheus", trigger(), p, prev, now.Add(time.Hour))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		if got.Previous != prev.ID {
			t.Errorf("Previous=%q, want %q", got.Previous, prev.ID)
		}
		if want := "new ticket; follows resolved " + prev.ID; got.Timeline[0].Reason != want {
			t.Errorf("Reason=%q, want %q", got.Timeline[0].Reason, want)
		}
	})
}

func TestNewPriority(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		placement ticket.Priority
		signal    ticket.Priority
		severity  string
		want      ticket.Priority
	}{
		// Ensure a route's priority beats what the sender said.
		{name: "placement_beats_signal", placement: ticket.P2, signal: ticket.P4, severity: "critical", want: ticket.P2},
		// Ensure a route's priority beats the severity too.
		{name: "placement_beats_severity", placement: ticket.P5, severity: "critical", want: ticket.P5},
		// Ensure the sender's priority beats its severity word.
		{name: "signal_beats_severity", signal: ticket.P4, severity: "critical", want: ticket.P4},
		// Ensure the severity decides when nobody set a priority.
		{name: "severity_when_unset", severity: "error", want: ticket.P2},
		// Ensure an out-of-range signal priority falls back to the severity.
		{name: "invalid_signal_priority_falls_back", signal: 9, severity: "info", want: ticket.P4},
		// Ensure an invalid placement priority does not override the signal.
		{name: "invalid_placement_priority_ignored", placement: 7, signal: ticket.P1, want: ticket.P1},
		// Ensure no priority and no severity is the P3 default.
		{name: "default_is_p3", want: ticket.P3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := trigger()
			s.Priority, s.Severity = tt.signal, tt.severity
			p := ticket.Placement{Tier: ticket.L1, Priority: tt.placement}
			got, err := ticket.New(testID, "prometheus", s, p, nil, now)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got.Priority != tt.want {
				t.Errorf("Priority=%v, want %v", got.Priority, tt.want)
			}
		})
	}
}

func TestNewFirstSeen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		at   time.Time
		want time.Time
	}{
		// Ensure a signal without a time was first seen when received.
		{name: "zero_is_now", at: time.Time{}, want: now},
		// Ensure the sender's time counts when it is in the past.
		{name: "past_is_kept", at: now.Add(-10 * time.Minute), want: now.Add(-10 * time.Minute)},
		// Ensure a sender's clock running ahead cannot date a ticket in the future.
		{name: "future_is_now", at: now.Add(time.Minute), want: now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := trigger()
			s.At = tt.at
			got, err := ticket.New(testID, "prometheus", s, ticket.Placement{Tier: ticket.L1}, nil, now)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if !got.FirstSeen.Equal(tt.want) {
				t.Errorf("FirstSeen=%v, want %v", got.FirstSeen, tt.want)
			}
			if !got.LastSeen.Equal(now) {
				t.Errorf("LastSeen=%v, want %v", got.LastSeen, now)
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		action ticket.Action
		tier   ticket.Tier
	}{
		// Ensure an acknowledge cannot open a ticket.
		{name: "acknowledge_signal", action: ticket.Acknowledge, tier: ticket.L1},
		// Ensure a resolve cannot open a ticket.
		{name: "resolve_signal", action: ticket.Resolve, tier: ticket.L1},
		// Ensure a signal that was never normalised cannot open a ticket.
		{name: "empty_action", action: "", tier: ticket.L1},
		// Ensure a ticket needs a tier.
		{name: "zero_tier", action: ticket.Trigger, tier: 0},
		// Ensure there is no tier above L3.
		{name: "tier_above_l3", action: ticket.Trigger, tier: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := trigger()
			s.Action = tt.action
			got, err := ticket.New(testID, "prometheus", s, ticket.Placement{Tier: tt.tier}, nil, now)
			if code := ticket.ErrorCode(err); code != ticket.Invalid {
				t.Errorf("ErrorCode=%q, want %q (err: %v)", code, ticket.Invalid, err)
			}
			if got != nil {
				t.Errorf("New=%+v, want nil", got)
			}
		})
	}
}

func TestOccur(t *testing.T) {
	t.Parallel()
	later := now.Add(5 * time.Minute)
	tests := []struct {
		name        string
		status      ticket.Status
		signal      ticket.Signal
		description string
		details     map[string]any
	}{
		// Ensure a repeat on an open ticket is counted and its news replace the old.
		{name: "open_takes_latest_text", status: ticket.StatusOpen,
			signal:      ticket.Signal{Description: "99% used", Details: map[string]any{"used": 0.99}},
			description: "99% used", details: map[string]any{"used": 0.99}},
		// Ensure a repeat without text keeps the description and details it had.
		{name: "empty_repeat_keeps_text", status: ticket.StatusOpen,
			signal: ticket.Signal{}, description: "95% used", details: map[string]any{"used": 0.95}},
		// Ensure an acknowledged ticket still counts repeats.
		{name: "acknowledged_counts", status: ticket.StatusAcknowledged,
			signal: ticket.Signal{}, description: "95% used", details: map[string]any{"used": 0.95}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustTicket(t, ticket.L1, tt.status)
			tk.Description, tk.Details = "95% used", map[string]any{"used": 0.95}
			before := Clone(tk)
			if err := tk.Occur(tt.signal, later); err != nil {
				t.Fatalf("Occur: %v", err)
			}
			if tk.Occurrences != 2 {
				t.Errorf("Occurrences=%d, want 2", tk.Occurrences)
			}
			if !tk.LastSeen.Equal(later) || !tk.UpdatedAt.Equal(later) {
				t.Errorf("LastSeen=%v UpdatedAt=%v, want %v", tk.LastSeen, tk.UpdatedAt, later)
			}
			if !tk.FirstSeen.Equal(before.FirstSeen) {
				t.Errorf("FirstSeen=%v, want %v", tk.FirstSeen, before.FirstSeen)
			}
			if tk.Description != tt.description {
				t.Errorf("Description=%q, want %q", tk.Description, tt.description)
			}
			if !reflect.DeepEqual(tk.Details, tt.details) {
				t.Errorf("Details=%v, want %v", tk.Details, tt.details)
			}
			if tk.Status != tt.status {
				t.Errorf("Status=%v, want %v", tk.Status, tt.status)
			}
			want := ticket.Event{At: later, Kind: ticket.EventOccurred, Actor: "prometheus", Count: 2}
			if got := Last(t, tk); !reflect.DeepEqual(got, want) {
				t.Errorf("event=%+v, want %+v", got, want)
			}
		})
	}

	// Ensure a repeat of a resolved ticket is refused (it opens a new one) and changes nothing.
	t.Run("resolved_conflicts", func(t *testing.T) {
		t.Parallel()
		tk := MustTicket(t, ticket.L1, ticket.StatusResolved)
		before := Clone(tk)
		err := tk.Occur(ticket.Signal{Description: "again"}, later)
		if code := ticket.ErrorCode(err); code != ticket.Conflict {
			t.Errorf("ErrorCode=%q, want %q", code, ticket.Conflict)
		}
		if !reflect.DeepEqual(tk, before) {
			t.Errorf("ticket changed:\n%+v\nwant\n%+v", tk, before)
		}
	})
}

func TestNextDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status ticket.Status
		want   func(*ticket.Ticket) time.Time
	}{
		// Ensure an open ticket waits for its acknowledgement.
		{name: "open_waits_for_acknowledge", status: ticket.StatusOpen,
			want: func(t *ticket.Ticket) time.Time { return t.AcknowledgeBy }},
		// Ensure an acknowledged ticket waits for its resolution.
		{name: "acknowledged_waits_for_resolve", status: ticket.StatusAcknowledged,
			want: func(t *ticket.Ticket) time.Time { return t.ResolveBy }},
		// Ensure a resolved ticket waits for nothing.
		{name: "resolved_waits_for_nothing", status: ticket.StatusResolved,
			want: func(*ticket.Ticket) time.Time { return time.Time{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustTicket(t, ticket.L1, tt.status)
			if got, want := tk.NextDeadline(), tt.want(tk); !got.Equal(want) {
				t.Errorf("NextDeadline=%v, want %v", got, want)
			}
		})
	}
}

func TestDelivered(t *testing.T) {
	t.Parallel()
	tk := MustNew(t, ticket.L1)
	tk.RecordDelivery(1, "slack", now.Add(time.Second))
	tests := []struct {
		name    string
		notice  int
		channel string
		want    bool
	}{
		// Ensure a recorded delivery is found.
		{name: "recorded", notice: 1, channel: "slack", want: true},
		// Ensure a delivery to one channel says nothing of another.
		{name: "other_channel", notice: 1, channel: "email", want: false},
		// Ensure a delivery of one notice says nothing of the next.
		{name: "other_notice", notice: 2, channel: "slack", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tk.Delivered(tt.notice, tt.channel); got != tt.want {
				t.Errorf("Delivered(%d, %q)=%v, want %v", tt.notice, tt.channel, got, tt.want)
			}
		})
	}
}
