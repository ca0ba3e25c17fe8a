package wire

import (
	"time"

	"github.com/tierline/tierline/shared/figures"
)

// Metrics is the answer of GET /v1/metrics: each tier's figures over a
// window of whole hours (see the README's definitions).
type Metrics struct {
	Since time.Time     `json:"since"`
	Until time.Time     `json:"until"`
	Tiers []TierMetrics `json:"tiers"`
	// Recurring lists the keys with two or more tickets in the window,
	// most tickets first (at most desk.MaxRecurring of them).
	Recurring []Recurring `json:"recurring"`
}

// Recurring is one key that recurred: an integration's dedup key, or a
// form's category and normalised subject.
type Recurring struct {
	Integration string    `json:"integration"`
	DedupKey    string    `json:"dedup_key,omitempty"`
	Category    string    `json:"category,omitempty"`
	Subject     string    `json:"subject,omitempty"`
	Title       string    `json:"title"`
	Tickets     int       `json:"tickets"`
	Occurrences int       `json:"occurrences"`
	LastSeen    time.Time `json:"last_seen"`
	ProblemID   string    `json:"problem_id,omitempty"`
}

// TierMetrics is one tier's figures: moves and breaches in the window,
// durations of its acknowledgements and resolutions, and its unresolved
// tickets as of the answer.
type TierMetrics struct {
	Tier                string    `json:"tier"`
	Entered             int       `json:"entered"`
	Resolved            int       `json:"resolved"`
	Escalated           int       `json:"escalated"`
	Reopened            int       `json:"reopened"`
	AcknowledgeBreaches int       `json:"acknowledge_breaches"`
	ResolveBreaches     int       `json:"resolve_breaches"`
	TimeToAcknowledge   Durations `json:"time_to_acknowledge"`
	TimeToResolve       Durations `json:"time_to_resolve"`
	Open                int       `json:"open"`
	Acknowledged        int       `json:"acknowledged"`
	OldestOpenSeconds   float64   `json:"oldest_open_seconds"`
}

// Durations summarises a histogram: how many, and its median and 90th
// percentile in seconds, each within 5% of the exact value (figures.Ratio).
type Durations struct {
	Count      int     `json:"count"`
	P50Seconds float64 `json:"p50_seconds"`
	P90Seconds float64 `json:"p90_seconds"`
}

// FromReport is r as the API answers it at now.
func FromReport(r figures.Report, now time.Time) Metrics {
	out := Metrics{Since: r.Since, Until: r.Until, Tiers: make([]TierMetrics, len(r.Tiers)), Recurring: make([]Recurring, len(r.Recurring))}
	for i, k := range r.Recurring {
		out.Recurring[i] = recurring(k)
	}
	for i, t := range r.Tiers {
		m := TierMetrics{Tier: t.Tier.String(), Entered: t.Entered, Resolved: t.Resolved, Escalated: t.Escalated,
			Reopened: t.Reopened, AcknowledgeBreaches: t.AcknowledgeBreaches, ResolveBreaches: t.ResolveBreaches,
			TimeToAcknowledge: durations(t.Acknowledge), TimeToResolve: durations(t.Resolve),
			Open: t.Now.Open, Acknowledged: t.Now.Acknowledged}
		if !t.Now.Oldest.IsZero() && now.After(t.Now.Oldest) {
			m.OldestOpenSeconds = now.Sub(t.Now.Oldest).Round(time.Second).Seconds()
		}
		out.Tiers[i] = m
	}
	return out
}

func durations(h figures.Hist) Durations {
	return Durations{Count: h.Count(), P50Seconds: h.Quantile(0.5).Seconds(), P90Seconds: h.Quantile(0.9).Seconds()}
}

func recurring(r figures.Recurring) Recurring {
	out := Recurring{Integration: r.Key.Integration, Title: r.Title, Tickets: r.Tickets,
		Occurrences: r.Occurrences, LastSeen: r.LastSeen.UTC(), ProblemID: r.ProblemID}
	if key, ok := r.Key.Alert(); ok {
		out.DedupKey = key
	} else {
		out.Category, out.Subject, _ = r.Key.Request()
	}
	return out
}
