package wire

import (
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// HandOff is the hand-off a tier's channels receive, in full.
type HandOff struct {
	Notice   int       `json:"notice"`
	Tier     string    `json:"tier"`
	From     string    `json:"from,omitempty"`
	Kind     string    `json:"kind"`
	Reason   string    `json:"reason"`
	Note     string    `json:"note,omitempty"`
	Actor    string    `json:"actor,omitempty"`
	OnBehalf string    `json:"on_behalf_of,omitempty"`
	At       time.Time `json:"at"`
	Tried    []Event   `json:"tried,omitempty"`
	URL      string    `json:"url,omitempty"`
	Ticket   Ticket    `json:"ticket"`
}

// FromHandOff converts a hand-off; url links to the ticket. The ticket's
// own timeline is left out: Tried holds what the next tier needs of it.
func FromHandOff(h ticket.HandOff, url string) HandOff {
	t := FromTicket(h.Ticket)
	t.Timeline = nil
	return HandOff{Notice: h.Seq, Tier: h.Tier.String(), From: h.From.String(), Kind: string(h.Kind),
		Reason: h.Reason, Note: h.Note, Actor: h.Actor, OnBehalf: h.OnBehalf, At: h.At, Tried: FromEvents(h.Tried), URL: url, Ticket: t}
}
