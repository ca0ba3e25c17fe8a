package sfntimer_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/sfntimer"
	"github.com/tierline/tierline/shared/timer/timertest"
)

var ctx = context.Background()

// pending lists the running executions of a ticket as wakes, oldest clock
// first, from what the Step Functions stand-in holds.
func pending(f *awstest.StepFunctions, ticketID string) []ticket.Wake {
	var out []ticket.Wake
	for _, e := range f.Executions() {
		if e.Status != "RUNNING" || !strings.HasPrefix(e.Name, ticketID+"-") {
			continue
		}
		var in sfntimer.Input
		if err := json.Unmarshal([]byte(e.Input), &in); err != nil {
			panic("execution input is not an sfntimer.Input: " + e.Input)
		}
		out = append(out, in.Wake())
	}
	slices.SortFunc(out, func(a, b ticket.Wake) int { return a.Clock - b.Clock })
	return out
}

func TestContract(t *testing.T) {
	timertest.Run(t, func(t *testing.T) timertest.Harness {
		f := awstest.NewStepFunctions(t)
		tm := sfntimer.New(f.Client(), f.StateMachine("tierline-escalation"))
		return timertest.Harness{Timer: tm, Pending: func(_ context.Context, id string) ([]ticket.Wake, error) {
			return pending(f, id), nil
		}}
	})
}
