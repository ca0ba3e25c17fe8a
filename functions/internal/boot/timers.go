package boot

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/tierline/tierline/shared/timer/schedtimer"
)

// TimerTarget reads where the escalation schedules go from the
// environment template.yaml sets: the stack's schedule group
// (SCHEDULE_GROUP), the role Scheduler invokes with (SCHEDULER_ROLE_ARN)
// and the dead letters of invocations it could not deliver
// (TIMER_DLQ_ARN). The function they invoke is the caller's to fill in:
// dispatch and sweep read ESCALATE_FUNCTION_ARN, while the escalate
// function schedules its next step on the ARN it was invoked by, since a
// function cannot name itself in the template.
func TimerTarget(env *Env) schedtimer.Target {
	return schedtimer.Target{Group: env.Need("SCHEDULE_GROUP"), Role: env.Need("SCHEDULER_ROLE_ARN"), DLQ: env.Need("TIMER_DLQ_ARN")}
}

// Scheduler is the EventBridge Scheduler client of the timers, with the
// retryer that waits out Scheduler's request rate (schedtimer.Retryer).
func Scheduler(cfg aws.Config) *scheduler.Client {
	return scheduler.NewFromConfig(cfg, func(o *scheduler.Options) { o.Retryer = schedtimer.Retryer() })
}
