package desk_test

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
)

// TestRecurringWithoutProblemRecords checks the metrics' recurring list
// with the problems block off: an alert resolved and fired again recurs
// (from its ticket's previous one, no key index), a key whose tickets are
// 8 days apart does not, one that fired once does not, and the busiest
// key comes first.
func TestRecurringWithoutProblemRecords(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	recurOnce(t, e, "net")
	e.Clock.Add(8 * 24 * time.Hour)
	recurOnce(t, e, "net")
	for range 3 {
		recurOnce(t, e, "disk")
	}
	recurOnce(t, e, "vpn")
	recurOnce(t, e, "vpn")
	MustTicket(t, e, Alert("cpu"))

	r, err := e.Desk.Metrics(ctx, start, e.Clock.Now(), figures.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range r.Recurring {
		key, _ := k.Key.Alert()
		got = append(got, key)
		if k.Occurrences != k.Tickets || k.LastSeen.IsZero() || k.ProblemID != "" {
			t.Errorf("%s: %+v, want an occurrence a ticket, a last sighting and no problem", key, k)
		}
	}
	if len(got) != 2 || got[0] != "disk" || got[1] != "vpn" || r.Recurring[0].Tickets != 3 || r.Recurring[1].Tickets != 2 {
		t.Fatalf("recurring %v (%+v), want disk's 3 tickets then vpn's 2", got, r.Recurring)
	}
	if r, _ := e.Desk.Metrics(ctx, start, e.Clock.Now(), figures.Filter{Integration: "other"}); len(r.Recurring) != 0 {
		t.Errorf("integration other: %+v, want nothing", r.Recurring)
	}
}

// TestRecurringFormRequests checks that two requests of one category whose
// subjects read the same once normalised recur as one key, while the same
// subject in another category does not join them.
func TestRecurringFormRequests(t *testing.T) {
	t.Parallel()
	e := MustServiceConfig(t, formConfig)
	for i, subject := range []string{"Laptop dock dead", "laptop  dock dead!", "Laptop dock dead"} {
		sub := request()
		sub.Subject, sub.IdempotencyKey = subject, key[:len(key)-1]+string(rune('a'+i))
		if i == 2 {
			sub.Category = "software"
		}
		MustFile(t, e, "it-help", sub)
		e.Clock.Add(time.Minute)
	}
	r, err := e.Desk.Metrics(ctx, start, e.Clock.Now(), figures.Filter{Integration: "it-help"})
	if err != nil {
		t.Fatal(err)
	}
	want := ticket.FormKey("it-help", "hardware", "laptop dock dead")
	if len(r.Recurring) != 1 || r.Recurring[0].Key != want || r.Recurring[0].Tickets != 2 || r.Recurring[0].Title != "laptop dock dead!" {
		t.Fatalf("recurring %+v, want the two hardware requests of %v", r.Recurring, want)
	}
}
