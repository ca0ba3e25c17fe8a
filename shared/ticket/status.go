package ticket

import "strings"

// Status is where a ticket stands: open (nobody has taken it), acknowledged
// (someone is on it) or resolved. A resolved ticket may be reopened.
type Status string

// The statuses.
const (
	StatusOpen         Status = "open"
	StatusAcknowledged Status = "acknowledged"
	StatusResolved     Status = "resolved"
)

// Valid reports whether s is one of the three statuses.
func (s Status) Valid() bool {
	return s == StatusOpen || s == StatusAcknowledged || s == StatusResolved
}

// ParseStatus reads a status name, or refuses it with an Invalid error.
func ParseStatus(v string) (Status, error) {
	s := Status(strings.ToLower(strings.TrimSpace(v)))
	if !s.Valid() {
		return "", Errorf(Invalid, "unknown status %q: want open, acknowledged or resolved", v)
	}
	return s, nil
}
