// Package timer defines the escalation-timer port: one timer per ticket and
// clock generation runs the escalation step at the ticket's next deadline.
// Adapters: timer/localtimer (the local runtime) and timer/schedtimer (an
// EventBridge Scheduler one-time schedule per wake); timertest is their
// contract.
package timer

import (
	"context"

	"github.com/tierline/tierline/shared/ticket"
)

// Timer starts and stops escalation timers. Once started, a timer runs the
// escalation step at its wake time, and again at every next deadline the
// step returns, until the step says it is done or the timer is stopped.
type Timer interface {
	// Start starts a timer for each wake. Starting a timer that is already
	// running (same ticket and clock) is harmless.
	Start(ctx context.Context, wakes ...ticket.Wake) error

	// Stop stops the timers of these wakes (ticket and clock; At is
	// ignored). Stopping a timer that is not running is harmless.
	Stop(ctx context.Context, wakes ...ticket.Wake) error
}
