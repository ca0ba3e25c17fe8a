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
	URL      string    `json:"url,omitempty"`     // the ticket's console page
	APIURL   string    `json:"api_url,omitempty"` // the ticket in the API
	// Actions are the signed links that work without signing in; present
	// only when the config has action_links.
	Actions *Actions `json:"actions,omitempty"`
	// MovedOn is present only on a late page: the ticket went on to another
	// tier before this hand-off reached its tier, which need not act.
	MovedOn *MovedOn `json:"moved_on,omitempty"`
	Ticket  Ticket   `json:"ticket"`
}

// Actions are a hand-off's signed links: Acknowledge opens a confirm page
// whose button acknowledges the ticket (absent when the hand-off asks for
// none: it moved on, or someone took it), View the ticket as it is now.
// Neither needs a sign-in; both stop working at Expires.
type Actions struct {
	Acknowledge string    `json:"acknowledge,omitempty"`
	View        string    `json:"view"`
	Expires     time.Time `json:"expires"`
}

// MovedOn says which tier has the ticket of a late page now, and why it
// left the paged tier.
type MovedOn struct {
	To     string    `json:"to"`
	Notice int       `json:"notice"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at,omitzero"`
}

// FromHandOff converts a hand-off; url links to the ticket's console page. The ticket's
// own timeline is left out: Tried holds what the next tier needs of it.
func FromHandOff(h ticket.HandOff, url string) HandOff {
	t := FromTicket(h.Ticket)
	t.Timeline = nil
	out := HandOff{Notice: h.Seq, Tier: h.Tier.String(), From: h.From.String(), Kind: string(h.Kind), Reason: h.Reason,
		Note: h.Note, Actor: h.Actor, OnBehalf: h.OnBehalf, At: h.At, Tried: FromEvents(h.Tried), URL: url, Ticket: t}
	if m := h.MovedOn; m != nil {
		out.MovedOn = &MovedOn{To: m.To.String(), Notice: m.Notice, Reason: m.Reason, At: m.At}
	}
	return out
}
