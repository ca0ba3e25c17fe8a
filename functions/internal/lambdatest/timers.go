package lambdatest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/tierline/tierline/functions/internal/templatetest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

// Timers is a world's escalation schedules: the stack's schedule group,
// named as the template names it, on moto_server behind an Outage, and
// the timer a function's main builds on it, its client counting and
// recording with the world's middlewares. Moto never fires a schedule; a
// test reads what is pending and invokes the escalate handler with it.
type Timers struct {
	*awstest.Schedules // reads, outside the world's counts
	Outage             *awstest.Outage
	// Endpoint is where the function's client goes (through the outage),
	// for a bootstrap's AWS_ENDPOINT_URL_SCHEDULER.
	Endpoint string
	Target   schedtimer.Target
	Timer    *schedtimer.Timer
}

// EscalateARN is the escalate function's ARN in the fake account: the
// target of every schedule, and what the escalate function is invoked by.
var EscalateARN = "arn:" + templatetest.Partition + ":lambda:" + templatetest.Region + ":" + templatetest.Account +
	":function:" + templatetest.PhysicalName("EscalateFunction")

// NewTimers starts moto_server for the test and creates the group of the
// function's SCHEDULE_GROUP in it.
func (w *World) NewTimers(tb testing.TB) *Timers {
	tb.Helper()
	group := w.Env["SCHEDULE_GROUP"]
	if group == "" {
		tb.Fatalf("template.yaml gives %s no SCHEDULE_GROUP", w.Function)
	}
	moto := awstest.Moto(tb)
	t := &Timers{Schedules: awstest.NewSchedules(tb, moto, group), Outage: awstest.NewOutage(tb, moto)}
	t.Endpoint = t.Outage.URL
	t.Target = schedtimer.Target{Group: group, Function: EscalateARN, Role: w.Env["SCHEDULER_ROLE_ARN"], DLQ: w.Env["TIMER_DLQ_ARN"]}
	client := scheduler.NewFromConfig(awstest.Config(t.Endpoint), func(o *scheduler.Options) {
		o.APIOptions = append(o.APIOptions, w.APIOptions()...)
		o.RetryMaxAttempts = 1 // an outage fails at once; the retryer's waits are schedtimer's own test
	})
	t.Timer = schedtimer.New(client, t.Target)
	return t
}

// Pending returns the inputs of the group's schedules whose names begin
// with prefix ("" for all), sorted by name.
func (t *Timers) Pending(tb testing.TB, prefix string) []schedtimer.Input {
	tb.Helper()
	got, err := t.List(context.Background(), prefix)
	if err != nil {
		tb.Fatalf("list schedules: %v", err)
	}
	out := make([]schedtimer.Input, 0, len(got))
	for _, g := range got {
		var in schedtimer.Input
		if err := json.Unmarshal([]byte(aws.ToString(g.Target.Input)), &in); err != nil {
			tb.Fatalf("schedule %s: input %q: %v", aws.ToString(g.Name), aws.ToString(g.Target.Input), err)
		}
		if arn := aws.ToString(g.Target.Arn); arn != t.Target.Function {
			tb.Fatalf("schedule %s targets %s, want the escalate function %s", aws.ToString(g.Name), arn, t.Target.Function)
		}
		out = append(out, in)
	}
	return out
}
