package ticket

import "time"

// Delivery is one inbound delivery a ticket has applied, remembered so that
// a sender's redelivery of it is not counted twice.
type Delivery struct {
	ID string
	At time.Time
}

// Bounds of the deliveries a ticket remembers. Senders redeliver within
// minutes (SNS: 3 tries 20 s apart by default, at most an hour; Datadog: 5
// tries; PagerDuty and Opsgenie clients: a few tries 30 s apart), so the
// last few are enough, and the list never grows with the alert's age.
const (
	MaxDeliveries = 16
	// RetryWindow is how long an identical request (a DeliveryDigest) counts
	// as a retry of the ticket's last delivery rather than as news.
	RetryWindow = 10 * time.Minute
)

// Redelivered reports whether s repeats a delivery the ticket has already
// applied. A sender's own delivery id is a redelivery whenever the ticket
// remembers it. A digest of the request is one only if it is the ticket's
// last delivery and arrives within RetryWindow of it: the same trigger sent
// again after a resolve, or an hour later, is a new event.
func (t *Ticket) Redelivered(s Signal, now time.Time) bool {
	if s.DeliveryID == "" || len(t.Deliveries) == 0 {
		return false
	}
	if s.DeliveryDigest {
		last := t.Deliveries[len(t.Deliveries)-1]
		return last.ID == s.DeliveryID && now.Sub(last.At) < RetryWindow
	}
	for _, d := range t.Deliveries {
		if d.ID == s.DeliveryID {
			return true
		}
	}
	return false
}

// RememberDelivery records that the ticket applied s, keeping only the last
// MaxDeliveries. A signal without a delivery id changes nothing.
func (t *Ticket) RememberDelivery(s Signal, now time.Time) {
	if s.DeliveryID == "" {
		return
	}
	t.Deliveries = append(t.Deliveries, Delivery{ID: s.DeliveryID, At: now})
	if n := len(t.Deliveries); n > MaxDeliveries {
		t.Deliveries = append([]Delivery(nil), t.Deliveries[n-MaxDeliveries:]...)
	}
}
