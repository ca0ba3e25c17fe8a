package schedtimer_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

// Ensure a started timer is the schedule the template and the escalate
// function expect, as moto_server stores it: the name of ticket, clock and
// minute, at() of the deadline rounded UP to the minute in UTC, no
// flexible window, deleted after it fires, the escalate function as target
// with the wake (the deadline itself) as input, Scheduler's longest retry
// and the dead-letter queue.
func TestScheduleShape(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		name       string
		at         time.Time
		sched, exp string
		input      string
	}{
		{"whole_minute", time.Date(2026, 11, 23, 9, 15, 0, 0, time.UTC),
			"0c7g2m4x9k3t1p-1-202611230915", "at(2026-11-23T09:15:00)", `{"ticket_id":"0c7g2m4x9k3t1p","clock":1,"at":"2026-11-23T09:15:00Z"}`},
		{"seconds_round_up", time.Date(2026, 11, 23, 9, 15, 1, 0, time.UTC),
			"0c7g2m4x9k3t1p-1-202611230916", "at(2026-11-23T09:16:00)", `{"ticket_id":"0c7g2m4x9k3t1p","clock":1,"at":"2026-11-23T09:15:01Z"}`},
		{"a_nanosecond_rounds_up", time.Date(2026, 11, 23, 23, 59, 0, 1, time.UTC),
			"0c7g2m4x9k3t1p-1-202611240000", "at(2026-11-24T00:00:00)", `{"ticket_id":"0c7g2m4x9k3t1p","clock":1,"at":"2026-11-23T23:59:00.000000001Z"}`},
		{"other_zone_becomes_utc", time.Date(2026, 11, 23, 10, 15, 30, 0, berlin),
			"0c7g2m4x9k3t1p-1-202611230916", "at(2026-11-23T09:16:00)", `{"ticket_id":"0c7g2m4x9k3t1p","clock":1,"at":"2026-11-23T09:15:30Z"}`},
	}
	s := awstest.NewSchedules(t, awstest.Moto(t), "shape")
	tm := schedtimer.New(s.Client, target(s.Group))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := ticket.Wake{TicketID: "0c7g2m4x9k3t1p", Clock: 1, At: tc.at}
			if err := tm.Start(ctx, w); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tm.Stop(ctx, w) })
			if got := schedtimer.Name(w); got != tc.sched {
				t.Fatalf("Name = %q, want %q (case %d)", got, tc.sched, i)
			}
			g, err := s.Get(ctx, tc.sched)
			if err != nil {
				t.Fatal(err)
			}
			want := target(s.Group)
			if aws.ToString(g.ScheduleExpression) != tc.exp || aws.ToString(g.ScheduleExpressionTimezone) != "UTC" ||
				g.FlexibleTimeWindow == nil || g.FlexibleTimeWindow.Mode != types.FlexibleTimeWindowModeOff ||
				g.ActionAfterCompletion != types.ActionAfterCompletionDelete || aws.ToString(g.GroupName) != s.Group {
				t.Fatalf("schedule %s: expression %q in %q, window %+v, after completion %q, group %q",
					tc.sched, aws.ToString(g.ScheduleExpression), aws.ToString(g.ScheduleExpressionTimezone),
					g.FlexibleTimeWindow, g.ActionAfterCompletion, aws.ToString(g.GroupName))
			}
			tg := g.Target
			if aws.ToString(tg.Arn) != want.Function || aws.ToString(tg.RoleArn) != want.Role || aws.ToString(tg.Input) != tc.input ||
				tg.DeadLetterConfig == nil || aws.ToString(tg.DeadLetterConfig.Arn) != want.DLQ ||
				tg.RetryPolicy == nil || aws.ToInt32(tg.RetryPolicy.MaximumRetryAttempts) != 185 || aws.ToInt32(tg.RetryPolicy.MaximumEventAgeInSeconds) != 86400 {
				t.Fatalf("target %+v, input %s, want %+v, input %s", tg, aws.ToString(tg.Input), want, tc.input)
			}
		})
	}
}

// Ensure names keep within Scheduler's rules (1 to 64 of [0-9a-zA-Z-_.])
// for the longest ticket ID and clock, tell clocks and minutes apart, and
// that a clock's prefix does not take in another clock's schedules.
func TestNames(t *testing.T) {
	rule := regexp.MustCompile(`^[0-9a-zA-Z\-_.]{1,64}$`)
	longest := ticket.Wake{TicketID: "zzzzzzzzzzzzzz", Clock: 1<<63 - 1, At: time.Date(9999, 12, 31, 23, 58, 1, 0, time.UTC)}
	if n := schedtimer.Name(longest); !rule.MatchString(n) {
		t.Fatalf("Name = %q (%d characters), outside Scheduler's rules", n, len(n))
	}
	at := time.Date(2026, 11, 23, 9, 15, 0, 0, time.UTC)
	one := ticket.Wake{TicketID: "0c7g2m4x9k3t1p", Clock: 1, At: at}
	eleven := ticket.Wake{TicketID: "0c7g2m4x9k3t1p", Clock: 11, At: at}
	later := ticket.Wake{TicketID: "0c7g2m4x9k3t1p", Clock: 1, At: at.Add(time.Minute)}
	if schedtimer.Name(one) == schedtimer.Name(eleven) || schedtimer.Name(one) == schedtimer.Name(later) {
		t.Fatal("clocks or minutes share a name")
	}
	if n, p := schedtimer.Name(eleven), schedtimer.Prefix(one); len(n) >= len(p) && n[:len(p)] == p {
		t.Fatalf("clock 1's prefix %q takes in clock 11's schedule %q", p, n)
	}
}

// Ensure a wake that names no ticket or clock is refused before any
// request, with an Internal error (a bug upstream, not an outage).
func TestRefusesBadWakes(t *testing.T) {
	s := awstest.NewSchedules(t, awstest.Moto(t), "refuse")
	tm := schedtimer.New(s.Client, target(s.Group))
	at := time.Date(2026, 11, 23, 9, 15, 0, 0, time.UTC)
	for _, w := range []ticket.Wake{{TicketID: "no/such:id", Clock: 1, At: at}, {TicketID: "0C7G2M4X9K3T1P", Clock: 1, At: at}, {TicketID: "0c7g2m4x9k3t1p", Clock: 0, At: at}} {
		for name, err := range map[string]error{"Start": tm.Start(ctx, w), "Stop": tm.Stop(ctx, w)} {
			if ticket.ErrorCode(err) != ticket.Internal {
				t.Errorf("%s(%+v) = %v, want an Internal error", name, w, err)
			}
		}
	}
	if got, err := s.List(ctx, ""); err != nil || len(got) != 0 {
		t.Fatalf("schedules after refusals: %d, %v", len(got), err)
	}
}

// Ensure the schedule after a fired one never takes its name: a next
// deadline in a later minute is kept as asked, one that fires in the fired
// schedule's minute or before it fires a minute after it.
func TestAfter(t *testing.T) {
	fired := ticket.Wake{TicketID: "0c7g2m4x9k3t1p", Clock: 2, At: time.Date(2026, 11, 23, 9, 14, 20, 0, time.UTC)} // fires 09:15
	tests := []struct {
		name string
		next time.Time
		want time.Time
	}{
		{"later_minute", time.Date(2026, 11, 23, 9, 45, 20, 0, time.UTC), time.Date(2026, 11, 23, 9, 45, 20, 0, time.UTC)},
		{"next_whole_minute", time.Date(2026, 11, 23, 9, 16, 0, 0, time.UTC), time.Date(2026, 11, 23, 9, 16, 0, 0, time.UTC)},
		{"same_fire_minute", time.Date(2026, 11, 23, 9, 14, 50, 0, time.UTC), time.Date(2026, 11, 23, 9, 16, 0, 0, time.UTC)},
		{"the_fire_minute_itself", time.Date(2026, 11, 23, 9, 15, 0, 0, time.UTC), time.Date(2026, 11, 23, 9, 16, 0, 0, time.UTC)},
		{"earlier", time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 9, 16, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := schedtimer.After(fired, tc.next)
			if n.TicketID != fired.TicketID || n.Clock != fired.Clock || !n.At.Equal(tc.want) {
				t.Fatalf("After = %+v, want clock %d at %v", n, fired.Clock, tc.want)
			}
			if schedtimer.Name(n) == schedtimer.Name(fired) {
				t.Fatalf("the next schedule is named %s, as the fired one is", schedtimer.Name(n))
			}
		})
	}
}
