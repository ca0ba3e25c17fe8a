package awstest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
)

// Schedules is a schedule group on an EventBridge Scheduler stand-in
// (moto_server, see Moto) and a client for it. Moto stores schedules,
// refuses a second of the same name (ConflictException) and answers
// ResourceNotFoundException for a missing one, but never fires a schedule:
// a test fires one by reading its Target.Input (Get) and invoking the
// target's handler with it.
type Schedules struct {
	Client *scheduler.Client
	Group  string
}

// NewSchedules creates the schedule group group on the Scheduler at
// endpoint (one Moto can hold many groups, so subtests keep apart by
// name) and returns it with a client made with optFns.
func NewSchedules(tb testing.TB, endpoint, group string, optFns ...func(*scheduler.Options)) *Schedules {
	tb.Helper()
	c := scheduler.NewFromConfig(Config(endpoint), optFns...)
	if _, err := c.CreateScheduleGroup(context.Background(), &scheduler.CreateScheduleGroupInput{Name: aws.String(group)}); err != nil {
		tb.Fatalf("create schedule group %s: %v", group, err)
	}
	return &Schedules{Client: c, Group: group}
}

// List returns every schedule of the group whose name begins with prefix,
// in full (GetSchedule; ListSchedules leaves out the target's input),
// sorted by name.
func (s *Schedules) List(ctx context.Context, prefix string) ([]*scheduler.GetScheduleOutput, error) {
	var out []*scheduler.GetScheduleOutput
	p := scheduler.NewListSchedulesPaginator(s.Client, &scheduler.ListSchedulesInput{GroupName: aws.String(s.Group), NamePrefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, sum := range page.Schedules {
			g, err := s.Get(ctx, aws.ToString(sum.Name))
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b *scheduler.GetScheduleOutput) int {
		return strings.Compare(aws.ToString(a.Name), aws.ToString(b.Name))
	})
	return out, nil
}

// Get returns the schedule called name.
func (s *Schedules) Get(ctx context.Context, name string) (*scheduler.GetScheduleOutput, error) {
	return s.Client.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(name), GroupName: aws.String(s.Group)})
}
