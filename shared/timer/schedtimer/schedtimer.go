// Package schedtimer is the escalation-timer port on Amazon EventBridge
// Scheduler: one one-time schedule per ticket, clock generation and
// deadline, in the stack's schedule group, whose target is the escalate
// function with the wake as its input. The escalate function runs the
// step and, unless the timer is done, starts the schedule of the next
// deadline (Timer.Start again), so a clock's timer follows its deadlines
// one schedule at a time.
//
// A schedule fires at its deadline rounded up to the minute (FireAt), in
// UTC, with no flexible window, and is deleted by Scheduler once it has
// invoked the function (ActionAfterCompletion DELETE). An invocation
// Scheduler cannot deliver is retried (RetryPolicy) and then goes to the
// dead-letter queue, which has an alarm; the sweep repairs the step either
// way.
//
// Start and Stop are idempotent: the name is derived from the wake, a
// schedule that exists already (ConflictException) is the same timer, one
// that is gone (ResourceNotFoundException) is stopped. Both work on many
// wakes at once, Concurrency at a time, and rely on the client's retryer
// (Retryer) for Scheduler's request rate.
package schedtimer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer"
)

var _ timer.Timer = (*Timer)(nil)

// Concurrency is how many Scheduler requests one Start or Stop has in
// flight. A dispatch batch of 100 new tickets is then about 7 round trips
// instead of 100, and a few dispatch instances (ParallelizationFactor)
// stay far below Scheduler's request quotas; the retryer absorbs the rest.
const Concurrency = 16

// Target is where the schedules go and what they run.
type Target struct {
	Group    string // the schedule group (one per stack)
	Function string // the escalate function's ARN
	Role     string // the role Scheduler assumes to invoke it (iam:PassRole)
	DLQ      string // the ARN of the SQS queue of undeliverable invocations
}

// Timer is a timer.Timer on EventBridge Scheduler.
type Timer struct {
	client *scheduler.Client
	to     Target
}

// New returns a Timer that creates schedules for target through client.
func New(client *scheduler.Client, target Target) *Timer {
	return &Timer{client: client, to: target}
}

// Start creates the schedule of each wake. One that exists already is the
// same timer (its name says ticket, clock and minute). It tries every wake
// and returns the errors of those that failed.
func (t *Timer) Start(ctx context.Context, wakes ...ticket.Wake) error {
	return each(ctx, wakes, t.start)
}

func (t *Timer) start(ctx context.Context, w ticket.Wake) error {
	if err := check(w); err != nil {
		return err
	}
	in, err := json.Marshal(InputOf(w))
	if err != nil {
		return ticket.Wrap(ticket.Internal, err, "schedtimer: encode input")
	}
	_, err = t.client.CreateSchedule(ctx, &scheduler.CreateScheduleInput{
		Name:                       aws.String(Name(w)),
		GroupName:                  aws.String(t.to.Group),
		Description:                aws.String(describe(w)),
		ScheduleExpression:         aws.String(Expression(w)),
		ScheduleExpressionTimezone: aws.String("UTC"),
		FlexibleTimeWindow:         &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
		ActionAfterCompletion:      types.ActionAfterCompletionDelete,
		Target: &types.Target{
			Arn:     aws.String(t.to.Function),
			RoleArn: aws.String(t.to.Role),
			Input:   aws.String(string(in)),
			// Scheduler's most: an escalation late is better than lost,
			// and the sweep runs it sooner anyway.
			RetryPolicy:      &types.RetryPolicy{MaximumRetryAttempts: aws.Int32(185), MaximumEventAgeInSeconds: aws.Int32(86400)},
			DeadLetterConfig: &types.DeadLetterConfig{Arn: aws.String(t.to.DLQ)},
		},
	})
	var exists *types.ConflictException
	if err != nil && !errors.As(err, &exists) {
		return classify(err, "start timer "+Name(w))
	}
	return nil
}

// Stop deletes the schedules of each wake's ticket and clock (At is
// ignored): those its name prefix lists, normally one. One already gone,
// fired or deleted meanwhile, is stopped.
func (t *Timer) Stop(ctx context.Context, wakes ...ticket.Wake) error {
	return each(ctx, wakes, t.stop)
}

func (t *Timer) stop(ctx context.Context, w ticket.Wake) error {
	if err := check(w); err != nil {
		return err
	}
	names, err := t.names(ctx, Prefix(w))
	if err != nil {
		return classify(err, "list timers "+Prefix(w))
	}
	for _, name := range names {
		_, err := t.client.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(name), GroupName: aws.String(t.to.Group)})
		var missing *types.ResourceNotFoundException
		if err != nil && !errors.As(err, &missing) {
			return classify(err, "stop timer "+name)
		}
	}
	return nil
}

// names lists the schedules of the group whose names begin with prefix.
func (t *Timer) names(ctx context.Context, prefix string) ([]string, error) {
	var names []string
	p := scheduler.NewListSchedulesPaginator(t.client, &scheduler.ListSchedulesInput{GroupName: aws.String(t.to.Group), NamePrefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range page.Schedules {
			names = append(names, aws.ToString(s.Name))
		}
	}
	return names, nil
}

// each runs fn for every wake, Concurrency at a time, and joins the
// errors, with the code of the first wake that failed.
func each(ctx context.Context, wakes []ticket.Wake, fn func(context.Context, ticket.Wake) error) error {
	errs := make([]error, len(wakes))
	sem := make(chan struct{}, Concurrency)
	var wg sync.WaitGroup
	for i, w := range wakes {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = fn(ctx, w)
		})
	}
	wg.Wait()
	var failed []error
	for _, err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	switch len(failed) {
	case 0:
		return nil
	case 1:
		return failed[0]
	}
	return ticket.Wrap(ticket.ErrorCode(failed[0]), errors.Join(failed...), fmt.Sprintf("schedtimer: %d of %d timers failed", len(failed), len(wakes)))
}
