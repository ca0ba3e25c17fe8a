// Package tally turns what the desk does into counts for the figures kept
// in no store: what a request to an ingest route became (Ingested) and
// what a delivery to a channel did (Delivery). It holds no instruments of
// its own: the local runtime's Prometheus registry (package telemetry)
// reads them. The tier moves are package figures'.
package tally

import (
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// The outcomes of a signal sent to an ingest route, as the figures group
// them.
const (
	Accepted     = "accepted"     // it changed a ticket, or asked for nothing (ignored)
	Deduplicated = "deduplicated" // counted on an open ticket, or a redelivery already applied
	Refused      = "refused"      // the request was answered with an error; Detail is its code
)

// Ingest is one line of what a request to an ingest route became: how many
// signals of it had one outcome. Detail is the desk's outcome ("created",
// "occurrence", …) or, when Refused, the error's code ("unauthorized",
// "invalid", …).
type Ingest struct {
	Outcome string
	Detail  string
	Signals int
}

// Ingested groups what one request became: the desk's results, or the
// error that refused it (counted as one refused request, whatever it
// carried).
func Ingested(results []desk.Result, err error) []Ingest {
	if err != nil {
		return []Ingest{{Outcome: Refused, Detail: string(ticket.ErrorCode(err)), Signals: 1}}
	}
	var out []Ingest
	index := map[desk.Outcome]int{}
	for _, r := range results {
		i, ok := index[r.Outcome]
		if !ok {
			i = len(out)
			index[r.Outcome] = i
			out = append(out, Ingest{Outcome: outcomeOf(r.Outcome), Detail: string(r.Outcome)})
		}
		out[i].Signals++
	}
	return out
}

func outcomeOf(o desk.Outcome) string {
	if o == desk.Occurrence || o == desk.Duplicate {
		return Deduplicated
	}
	return Accepted
}
