package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Verdict is what the escalation step decided for a ticket.
type Verdict int

// The verdicts of Step.
const (
	Wait      Verdict = iota // the deadline has not passed: look again at Next
	Escalate                 // move the ticket up to To
	Repeat                   // page the top tier again
	Exhausted                // the top tier missed its deadline with no repeats left: stop the clock
	Done                     // resolved: stop the clock
)

func (v Verdict) String() string {
	names := [...]string{"wait", "escalate", "repeat", "exhausted", "done"}
	if v < 0 || int(v) >= len(names) {
		return fmt.Sprintf("verdict(%d)", int(v))
	}
	return names[v]
}

// Decision is the outcome of one escalation step.
type Decision struct {
	Verdict   Verdict
	To        ticket.Tier      // Escalate: the tier to move to
	Reason    string           // Escalate, Repeat, Exhausted: the missed deadline, in words
	Deadlines ticket.Deadlines // Escalate: of To; Repeat: of the current tier
	Next      time.Time        // when to run the step again; zero for Exhausted and Done
}

// Step is the escalation step "as of now": it decides what a ticket's
// missed deadline, if any, calls for. It depends only on the ticket, the
// config and now, so a late or duplicate timer reaches the same decision
// and, once the decision is applied, finds nothing more to do.
func (c *Config) Step(t *ticket.Ticket, now time.Time) Decision {
	deadline := t.NextDeadline()
	if t.Status == ticket.StatusResolved || deadline.IsZero() {
		return Decision{Verdict: Done}
	}
	if now.Before(deadline) {
		return Decision{Verdict: Wait, Next: deadline}
	}
	pol := c.Policy(t.Policy)
	tp := c.Tier(t.Policy, t.Tier)
	missed := fmt.Sprintf("not acknowledged within %s at %s", Human(tp.Acknowledge), t.Tier)
	if t.Status == ticket.StatusAcknowledged {
		missed = fmt.Sprintf("not resolved within %s at %s", Human(tp.Resolve), t.Tier)
	}
	if to, ok := pol.Above(t.Tier); ok {
		d := c.Deadlines(t.Policy, to)
		return Decision{Verdict: Escalate, To: to, Reason: missed, Deadlines: d, Next: now.Add(d.Acknowledge)}
	}
	if t.Repeats < tp.Repeat {
		next := now.Add(tp.Acknowledge)
		if t.Status == ticket.StatusAcknowledged {
			next = now.Add(tp.Resolve)
		}
		return Decision{Verdict: Repeat, Deadlines: tp.Deadlines, Next: next,
			Reason: fmt.Sprintf("repeat %d of %d: %s", t.Repeats+1, tp.Repeat, missed)}
	}
	reason := missed + ", the top tier"
	if tp.Repeat > 0 {
		reason += fmt.Sprintf(", after %d repeats", tp.Repeat)
	}
	return Decision{Verdict: Exhausted, Reason: reason}
}

// Human writes a duration the way a config does: 15m, 4h30m, 1m30s, 2d.
func Human(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
