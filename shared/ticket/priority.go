package ticket

import (
	"fmt"
	"strings"
)

// Priority is P1 (most urgent) to P5. The zero Priority is "not set".
type Priority uint8

// The priorities, most urgent first.
const (
	P1 Priority = 1
	P2 Priority = 2
	P3 Priority = 3
	P4 Priority = 4
	P5 Priority = 5
)

// Valid reports whether p is P1..P5.
func (p Priority) Valid() bool { return p >= P1 && p <= P5 }

// String returns "P1".."P5" ("" for the zero Priority).
func (p Priority) String() string {
	if p == 0 {
		return ""
	}
	return fmt.Sprintf("P%d", uint8(p))
}

// ParsePriority reads "P1".."P5" (any case, with or without the P).
func ParsePriority(s string) (Priority, error) {
	v := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "P")
	if len(v) == 1 && v[0] >= '1' && v[0] <= '5' {
		return Priority(v[0] - '0'), nil
	}
	return 0, Errorf(Invalid, "unknown priority %q: want P1 to P5", s)
}

// severities maps the severity words senders use to priorities. The words
// come from Prometheus conventions, PagerDuty (critical, error, warning,
// info), syslog levels, Zabbix (disaster, high, average) and Datadog.
var severities = map[string]Priority{
	"critical": P1, "crit": P1, "fatal": P1, "emergency": P1, "emerg": P1, "alert": P1, "disaster": P1, "page": P1, "sev1": P1,
	"error": P2, "err": P2, "high": P2, "major": P2, "sev2": P2,
	"warning": P3, "warn": P3, "average": P3, "medium": P3, "moderate": P3, "minor": P3, "sev3": P3,
	"info": P4, "information": P4, "informational": P4, "notice": P4, "low": P4, "sev4": P4,
	"debug": P5, "trace": P5, "none": P5, "ok": P5, "sev5": P5,
}

// PriorityForSeverity maps a sender's severity word to a priority. P1..P5
// pass through; unknown or empty severities are P3, the usual default of
// PagerDuty and Opsgenie.
func PriorityForSeverity(severity string) Priority {
	s := strings.ToLower(strings.TrimSpace(severity))
	if p, err := ParsePriority(s); err == nil && strings.HasPrefix(s, "p") {
		return p
	}
	if p, ok := severities[s]; ok {
		return p
	}
	return P3
}

// MarshalText encodes p as "P1".."P5".
func (p Priority) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText decodes "P1".."P5"; an empty text is the zero Priority.
func (p *Priority) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = 0
		return nil
	}
	v, err := ParsePriority(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
