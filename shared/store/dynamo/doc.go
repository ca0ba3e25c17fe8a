// Package dynamo is the Store on AWS: tickets in one DynamoDB table, read
// and written through a built aws-sdk-go-v2 client.
//
// # Items
//
// The adapter owns the item layout (item.go); domain types carry no
// storage tags. One table holds three kinds of items:
//
//	pk                      sk         what
//	T#<ticket id>           T          the ticket: every field but the timeline ("head")
//	T#<ticket id>           E#000000…  one timeline event each, numbered from 0
//	K#<n>:<integration>#<key>  K       the dedup key: its open ticket and its newest one
//
// The timeline lives in items of its own so that no ticket can outgrow
// DynamoDB's 400 KB item limit through its timeline: a full one (1,000
// events, 1 MiB of notes) is 1,000 small items, and a write stores only
// the events it adds. The head carries the number of events, which makes
// reads consistent (a read that sees a head also waits for its events) and
// numbers the next event. A head over ticket.MaxHead or an event over
// ticket.MaxEvent, which the local store refuses too, and a write past
// DynamoDB's own limits are refused with a TooLarge error before anything
// is sent.
//
// The global secondary index ByTierStatus holds the heads only, keyed by
// "<tier>#<status>" (gpk) and the ticket ID (gsk): "tickets of tier X in
// status Y, newest first" is one Query, since IDs sort by creation time.
//
// # Writes
//
// Every write is one request: a PutItem of the head when the write adds no
// event and moves no ticket in or out of "open for its key", else one
// TransactWriteItems of the head, its new events and the dedup item. The
// head is written on the condition that its version is the one read
// (optimistic concurrency); a write that loses the race reads again and
// runs the caller's closure again. Nothing uses Scan.
//
// # Expiry
//
// A resolved ticket's head, and the dedup item of a key with no open
// ticket, carry TTLAttribute (Unix seconds): Retention after the
// resolution. DynamoDB deletes such items some time after they expire, so
// the adapter treats an expired item as absent itself (minidyn, the local
// stand-in, has no TTL at all). The events of an expired ticket are
// removed by Purge, which dispatch calls when the stream reports the head
// gone.
package dynamo
