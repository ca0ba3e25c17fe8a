package schedtimer

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Input is a schedule's Target.Input and so the escalate function's event:
// the wake the schedule was made for. At is the deadline itself (in UTC),
// not the minute the schedule fires at, so the step sees what was asked.
type Input struct {
	TicketID string    `json:"ticket_id"`
	Clock    int       `json:"clock"`
	At       time.Time `json:"at"`
}

// InputOf returns the input of w's schedule.
func InputOf(w ticket.Wake) Input {
	return Input{TicketID: w.TicketID, Clock: w.Clock, At: w.At.UTC()}
}

// Wake returns the wake an input stands for.
func (in Input) Wake() ticket.Wake {
	return ticket.Wake{TicketID: in.TicketID, Clock: in.Clock, At: in.At}
}

// FireAt is the minute w's schedule fires at: At in UTC rounded UP to the
// whole minute. A one-time schedule names a time to the second, but
// Scheduler invokes within the minute it names, never before it; firing at
// 09:15 for a deadline of 09:15:20 would run the step early, find nothing
// due and ask for 09:15 again. Rounded up, a deadline fires up to a minute
// (plus Scheduler's delivery) late, and never early.
func FireAt(w ticket.Wake) time.Time {
	t := w.At.UTC()
	if m := t.Truncate(time.Minute); !m.Equal(t) {
		return m.Add(time.Minute)
	}
	return t
}

// Expression is the schedule expression of w: at(yyyy-mm-ddThh:mm:ss) of
// FireAt, read in UTC (the schedule's ScheduleExpressionTimezone).
func Expression(w ticket.Wake) string {
	return "at(" + FireAt(w).Format("2006-01-02T15:04:05") + ")"
}

// Name is the name of w's schedule: "<ticket id>-<clock>-<fire minute as
// yyyymmddhhmm>", at most 14+1+19+1+12 = 47 characters of [0-9a-z-], so
// within Scheduler's rules (1 to 64 of [0-9a-zA-Z-_.]). The same wake
// always has the same name, so a redelivered start creates nothing twice.
//
// The fire minute is part of the name because the step that a schedule
// fires creates the schedule of the clock's next deadline while the fired
// one may still exist: Scheduler deletes a completed schedule
// (ActionAfterCompletion DELETE) when it gets to it, and a schedule reusing
// the fired one's name would either conflict with it or be deleted with
// it. Prefix finds every schedule of a ticket's clock.
func Name(w ticket.Wake) string {
	return Prefix(w) + FireAt(w).Format("200601021504")
}

// Prefix is what the names of every schedule of w's ticket and clock begin
// with. The trailing dash keeps clock 1 apart from clock 12.
func Prefix(w ticket.Wake) string {
	return w.TicketID + "-" + strconv.Itoa(w.Clock) + "-"
}

// check refuses a wake that cannot make a valid schedule name.
func check(w ticket.Wake) error {
	if id, err := ticket.ParseID(w.TicketID); err != nil || id != w.TicketID {
		return ticket.Errorf(ticket.Internal, "schedtimer: wake of %q: not a ticket id", w.TicketID)
	}
	if w.Clock < 1 {
		return ticket.Errorf(ticket.Internal, "schedtimer: wake of ticket %s: clock %d", w.TicketID, w.Clock)
	}
	return nil
}

// describe is a schedule's Description, for whoever looks at the group.
func describe(w ticket.Wake) string {
	return fmt.Sprintf("tierline escalation step of ticket %s, clock %d, deadline %s", w.TicketID, w.Clock, w.At.UTC().Format(time.RFC3339))
}

// After is the wake of the schedule that follows w's once its step ran:
// the same ticket and clock, at next, the clock's next deadline. A name
// holds the fire minute, so a next deadline that fires in the minute w's
// schedule fired in (a step that found the next deadline due within the
// same minute) would be w's own name: it would conflict with the fired
// schedule and go with it when Scheduler deletes it, and the clock would
// stop. Such a wake, or one at an earlier time, fires a minute later
// instead; its step then finds the deadline passed.
func After(w ticket.Wake, next time.Time) ticket.Wake {
	n := ticket.Wake{TicketID: w.TicketID, Clock: w.Clock, At: next}
	if fired := FireAt(w); !FireAt(n).After(fired) {
		n.At = fired.Add(time.Minute)
	}
	return n
}
