package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/ticket"
)

// DynamoDB's limits on what one write may hold.
const (
	maxItemBytes   = 400 * 1024       // one item, attribute names included
	maxTxBytes     = 4 * 1024 * 1024  // all items of one TransactWriteItems
	maxTxActions   = 100              // actions of one TransactWriteItems
	maxKeyBytes    = 2048             // a partition key
	maxEventsAdded = maxTxActions - 4 // a write also holds the head, the dedup item, a rollup and a journal mark
)

// itemSize is an upper bound of the size DynamoDB counts for an item: the
// UTF-8 bytes of names and strings, numbers as their digits (DynamoDB
// packs two in a byte), and 3 bytes per map or list plus 1 per element.
func itemSize(it map[string]types.AttributeValue) int {
	n := 0
	for name, v := range it {
		n += len(name) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return len(v.Value) + 1
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberM:
		return 3 + itemSize(v.Value) + len(v.Value)
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	}
	return 1
}

// checkWrite refuses, before anything is sent, a write the local store
// would refuse too (ticket.CheckSize: both stores keep the same tickets),
// and then a write DynamoDB itself would refuse for its size: a head or an
// event over 400 KB, more events than one transaction holds, or a
// transaction over 4 MB. The message says what to shorten.
func checkWrite(t *ticket.Ticket, h item, events []item) error {
	if err := t.CheckSize(len(t.Timeline) - len(events)); err != nil {
		return err
	}
	total := itemSize(h)
	if total > maxItemBytes {
		return ticket.Errorf(ticket.TooLarge, "ticket %s would take %d KB in DynamoDB, over its 400 KB item limit: shorten its description, labels, details or links",
			t.ID, (total+1023)/1024)
	}
	if len(events) > maxEventsAdded {
		return ticket.Errorf(ticket.TooLarge, "ticket %s: one write adds %d timeline events; DynamoDB takes at most %d in one transaction",
			t.ID, len(events), maxEventsAdded)
	}
	for _, e := range events {
		n := itemSize(e)
		if n > maxItemBytes {
			return ticket.Errorf(ticket.TooLarge, "ticket %s: a timeline event would take %d KB in DynamoDB, over its 400 KB item limit: shorten its note or actor",
				t.ID, (n+1023)/1024)
		}
		total += n
	}
	if total > maxTxBytes-maxItemBytes { // leave room for the dedup item
		return ticket.Errorf(ticket.TooLarge, "ticket %s: one write would store %d KB, over DynamoDB's 4 MB transaction limit",
			t.ID, (total+1023)/1024)
	}
	return nil
}
