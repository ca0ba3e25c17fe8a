package schedtimer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/schedtimer"
	"github.com/tierline/tierline/shared/timer/timertest"
)

var ctx = context.Background()

// target is the target every test's schedules go to.
func target(group string) schedtimer.Target {
	return schedtimer.Target{
		Group:    group,
		Function: "arn:aws:lambda:us-east-1:123456789012:function:tierline-escalate",
		Role:     "arn:aws:iam::123456789012:role/tierline-scheduler",
		DLQ:      "arn:aws:sqs:us-east-1:123456789012:tierline-timer-dlq",
	}
}

// pending lists a ticket's schedules as the wakes of their inputs, oldest
// clock first.
func pending(s *awstest.Schedules, ticketID string) ([]ticket.Wake, error) {
	got, err := s.List(ctx, ticketID+"-")
	if err != nil {
		return nil, err
	}
	var out []ticket.Wake
	for _, g := range got {
		var in schedtimer.Input
		if err := json.Unmarshal([]byte(aws.ToString(g.Target.Input)), &in); err != nil {
			return nil, fmt.Errorf("schedule %s: input %q: %w", aws.ToString(g.Name), aws.ToString(g.Target.Input), err)
		}
		out = append(out, in.Wake())
	}
	slices.SortFunc(out, func(a, b ticket.Wake) int { return a.Clock - b.Clock })
	return out, nil
}

// Ensure the Scheduler timers pass the timer contract on moto_server, one
// schedule group per case.
func TestContract(t *testing.T) {
	endpoint := awstest.Moto(t)
	n := 0
	timertest.Run(t, func(t *testing.T) timertest.Harness {
		n++
		s := awstest.NewSchedules(t, endpoint, fmt.Sprintf("contract-%d", n))
		return timertest.Harness{
			Timer:   schedtimer.New(s.Client, target(s.Group)),
			Pending: func(_ context.Context, id string) ([]ticket.Wake, error) { return pending(s, id) },
		}
	})
}
