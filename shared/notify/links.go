package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

// Links are the addresses one delivery of a hand-off gives its reader:
// the ticket's console page (which asks to sign in), the ticket in the
// API, and, when the config has action_links, signed links that work
// without signing in: acknowledge (a confirm page) and view (the ticket
// as it is now). Each delivery signs its own, naming its channel, so the
// timeline says through which channel a ticket was taken.
type Links struct {
	Console     string    // /console/tickets/{id}; "" without a base URL
	API         string    // /v1/tickets/{id}
	Acknowledge string    // signed; "" when the hand-off asks for no acknowledgement (moved on, already taken)
	View        string    // signed
	Expires     time.Time // when the signed links stop working
}

// Signed reports whether the links include signed ones.
func (l Links) Signed() bool { return l.View != "" }

// ConsolePath and ActionPath are where the console's ticket pages and the
// signed links' pages are served (package httpapi).
const (
	ConsolePath = "/console/tickets/"
	ActionPath  = "/a/"
)

// Links returns the links of delivering h to ch now. A link that cannot
// be signed is left out and logged: the hand-off still goes out.
func (d *Deliverer) Links(ch policy.Channel, h ticket.HandOff) Links {
	base := strings.TrimRight(d.BaseURL, "/")
	if base == "" {
		return Links{}
	}
	id := h.Ticket.ID
	l := Links{Console: base + ConsolePath + id, API: base + "/v1/tickets/" + id}
	if !d.Signer.Enabled() {
		return l
	}
	now := d.now()
	view, err := d.Signer.Make(id, actionlink.View, h.Seq, ch.Name, now)
	if err != nil {
		d.log().Error("hand-off without action links: cannot sign them", "ticket", id, "channel", ch.Name, "err", err)
		return l
	}
	l.View, l.Expires = base+ActionPath+view, now.Add(d.Signer.TTL()).Truncate(time.Second)
	if asksToAcknowledge(h) {
		if ack, err := d.Signer.Make(id, actionlink.Acknowledge, h.Seq, ch.Name, now); err == nil {
			l.Acknowledge = base + ActionPath + ack
		}
	}
	return l
}

// asksToAcknowledge reports whether h's reader is the one to take the
// ticket: not when it moved on before the page arrived, nor when someone
// took it already.
func asksToAcknowledge(h ticket.HandOff) bool {
	return h.MovedOn == nil && h.Ticket.Status == ticket.StatusOpen
}

// wire is the links as the webhook JSON carries them.
func (l Links) wire() *wire.Actions {
	if !l.Signed() {
		return nil
	}
	return &wire.Actions{Acknowledge: l.Acknowledge, View: l.View, Expires: l.Expires}
}

// Text is the links as plain text, a line each, for e-mail and logs.
func (l Links) Text() string {
	var b strings.Builder
	if l.Acknowledge != "" {
		fmt.Fprintf(&b, "Acknowledge (no sign-in needed): %s\n", l.Acknowledge)
	}
	if l.View != "" {
		fmt.Fprintf(&b, "See it now (no sign-in needed): %s\n", l.View)
	}
	if l.Console != "" {
		fmt.Fprintf(&b, "Open in the console: %s\n", l.Console)
	}
	if l.Signed() {
		fmt.Fprintf(&b, "The links without sign-in work until %s.\n", l.Expires.UTC().Format("2 Jan 2006 15:04 MST"))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}
