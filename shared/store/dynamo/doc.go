// Package dynamo is the Store on AWS: tickets in one DynamoDB table, read
// and written through a built aws-sdk-go-v2 client.
//
// # Items
//
// The adapter owns the item layout (item.go); domain types carry no
// storage tags. One table holds these items:
//
//	pk                         sk          what
//	T#<ticket id>              T           the ticket: every field but the timeline ("head")
//	T#<ticket id>              E#000000…   one timeline event each, numbered from 0
//	K#<n>:<integration>#<key>  K           the dedup key: its open ticket, its newest one, the open one's counter
//	R#<request digest>         R           a request's journal: the generation of its marks
//	R#<request digest>         M#<gen>#<n> a journal mark: write n of the request is stored, to ticket <ticket>
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
// It projects the keys and IndexAttributes, none of which changes while a
// ticket keeps its tier and status, so most writes of a head write
// nothing to the index. List reads the page's heads (and the dedup items
// of its open tickets) with BatchGetItem: a page of 50 is one Query per
// partition and one BatchGetItem.
//
// # Writes
//
// Every write is one request: a PutItem of the head when the write adds no
// event and touches no other item, else one TransactWriteItems of the
// head, its new events, the dedup item when the write moves the ticket in
// or out of "open for its key" or changes its counter, and a journal mark
// (see Requests). The head is written on the condition that its version
// is the one read (optimistic concurrency); a write that loses the race
// reads again and runs the caller's closure again, and so does one that
// meets a transaction on its items (TransactionConflict). A head whose
// change asks something of dispatch (ticket.Change.Effects) carries
// "dispatch": 1; the stream filter of the dispatch function passes only
// those heads and head removals, so writes that cannot cause work (a
// note, a delivery recorded, a milestone, a counted repeat, the journal)
// never invoke it. Nothing uses Scan.
//
// # Repeats
//
// The open ticket's occurrences and last seen time live on its dedup item
// (n, ls), with digests of its description and details (dsc, dtl): the
// key is all a repeat knows, so Count is one UpdateItem of that item (ADD
// n, SET ls) on the condition that it names an open ticket and the
// repeat's description and details match; no read, no version, no race
// to lose. The UpdateItem's answer is the repeat's own count: the one
// repeat whose count is an occurrence milestone (2, 10, 100, …) writes the
// ticket with its "occurred" event, so each milestone is recorded once,
// and repeats racing past it are not held up (two milestones of one storm
// may land in either order). A whole write whose change is only such a
// count (an Upsert whose fn just called Occur) is stored the same way, as
// an ADD with no head write, so that racing whole writes add up too. A
// whole write of a repeat that changes more (a new description, a note)
// adds to n rather than sets it, unless it crosses a milestone, where it
// sets n on the condition that n is as read. A counted repeat does not
// bump the head's version. Reads of an open ticket (Get, Update, Upsert, List)
// take the count from the dedup item; the head's count is the count as of
// its last write. A resolution writes the final count on the head, on the
// condition that no repeat was counted since the read (it retries while
// a burst goes on).
//
// # Requests
//
// UpsertAll stores a request of many alerts. One TransactWriteItems holds
// 100 actions and 4 MB, too little for 1,000 alerts, so a request is not
// one transaction: every write is rehearsed first (its key read, its fn
// run, Upsert's rules and the size limits checked), and a request any
// write of which fails is refused before anything is stored. The writes
// are then stored key by key (a key's writes in order, up to 16 keys at
// once), each in a transaction with a journal mark, an item keyed by a
// digest of the request and the write's number, stored only if absent.
// The guarantee: a write is stored at most once per attempt generation of
// its request. A request that fails part-way (the table unavailable, the
// function stopped, a race turning a rehearsed write into an error)
// leaves the writes stored so far and their marks; the sender's retry of
// the same request, within JournalRetention, skips every marked write
// (answering it as a duplicate) and stores the rest. When all writes are
// stored the journal's head gets a new generation, so the same request
// sent again is news and counts again. The limits: two identical
// requests in flight at once count as one; an identical request within
// JournalRetention of a failed attempt that was never retried resumes it.
//
// # Expiry
//
// A resolved ticket's head, and the dedup item of a key with no open
// ticket, carry TTLAttribute (Unix seconds): Retention after the
// resolution; journal items carry it too, JournalRetention after their
// write. DynamoDB deletes such items some time after they expire, so the
// adapter treats an expired item as absent itself (minidyn, the local
// stand-in, has no TTL at all). The events of an expired ticket are
// removed by Purge, which dispatch calls when the stream reports the head
// gone.
package dynamo
