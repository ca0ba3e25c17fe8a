package ticket

import "time"

// Delivery is one inbound delivery a ticket has applied, remembered so that
// a sender's redelivery of it is not counted twice.
type Delivery struct {
	ID string
	At time.Time
}

// MaxDeliveries bounds the deliveries a ticket remembers. Senders
// redeliver within minutes (SNS: 3 tries 20 s apart by default, at most an
// hour; Datadog: 5 tries), so the last few are enough, and the list never
// grows with the alert's age.
const MaxDeliveries = 16

// Redelivered reports whether s repeats a delivery the ticket has already
// applied: whether the ticket remembers its sender's delivery id. Only a
// sender's own id tells a retry from news; a signal without one never is a
// redelivery, however alike it is to the last.
func (t *Ticket) Redelivered(s Signal) bool {
	if s.DeliveryID == "" {
		return false
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
