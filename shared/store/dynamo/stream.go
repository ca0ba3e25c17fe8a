package dynamo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/ticket"
)

// ChangeFromImages turns the old and new images of a stream record of the
// table into a ticket.Change; ok is false for items that are not tickets
// (events, dedup items), which dispatch skips. A new ticket has no old
// image; a head removed (by TTL) has no new one. The tickets carry every
// field but the timeline, which is in items of its own: what
// ticket.Change.Effects reads is all on the head.
func ChangeFromImages(old, new map[string]types.AttributeValue) (c ticket.Change, ok bool, err error) {
	img := new
	if len(img) == 0 {
		img = old
	}
	if len(img) == 0 || (&reader{it: img}).str(attrSK) != skHead {
		return ticket.Change{}, false, nil
	}
	if c.Old, err = imageTicket(old); err != nil {
		return ticket.Change{}, false, fmt.Errorf("dynamo stream: old image: %w", err)
	}
	if c.New, err = imageTicket(new); err != nil {
		return ticket.Change{}, false, fmt.Errorf("dynamo stream: new image: %w", err)
	}
	return c, true, nil
}

func imageTicket(image map[string]types.AttributeValue) (*ticket.Ticket, error) {
	if len(image) == 0 {
		return nil, nil
	}
	h, err := decodeHead(image)
	return h.t, err
}
