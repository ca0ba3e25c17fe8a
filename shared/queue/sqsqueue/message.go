package sqsqueue

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/tierline/tierline/shared/ticket"
)

// message is the body of a queue message: a pointer to hand-off Seq of a
// ticket, a few dozen bytes. The notifier reads the ticket for the rest,
// so the hand-off it delivers is as fresh as the ticket, and no message
// comes near SQS's size limit.
type message struct {
	TicketID string      `json:"ticket_id"`
	Tier     ticket.Tier `json:"tier"`
	Seq      int         `json:"seq"`
}

// Encode returns the message body of a notice:
// {"ticket_id":"0c7g2m4x9k3t1p","tier":"L2","seq":2}.
func Encode(n ticket.Notice) string {
	b, _ := json.Marshal(message{TicketID: n.TicketID, Tier: n.Tier, Seq: n.Seq}) // cannot fail: strings and numbers
	return string(b)
}

// Decode reads a message body, as the notify function gets it from its SQS
// event. A body that is not JSON is Malformed; JSON that is not a notice
// (unknown fields, a bad ticket ID, tier or sequence number) is Invalid.
func Decode(body string) (ticket.Notice, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.DisallowUnknownFields()
	var m message
	if err := dec.Decode(&m); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return ticket.Notice{}, ticket.Wrap(ticket.Malformed, err, "queue message is not JSON")
		}
		return ticket.Notice{}, ticket.Wrap(ticket.Invalid, err, "queue message is not a notice")
	}
	if dec.More() {
		return ticket.Notice{}, ticket.Errorf(ticket.Malformed, "queue message has data after the notice")
	}
	id, err := ticket.ParseID(m.TicketID)
	switch {
	case err != nil:
		return ticket.Notice{}, ticket.Wrap(ticket.Invalid, err, "queue message: bad ticket_id")
	case !m.Tier.Valid():
		return ticket.Notice{}, ticket.Errorf(ticket.Invalid, "queue message: tier is missing")
	case m.Seq < 1:
		return ticket.Notice{}, ticket.Errorf(ticket.Invalid, "queue message: seq %d, want 1 or more", m.Seq)
	}
	return ticket.Notice{TicketID: id, Tier: m.Tier, Seq: m.Seq}, nil
}
