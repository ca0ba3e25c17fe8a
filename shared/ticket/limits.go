package ticket

// Limits on what a ticket keeps, decided here once for every sender, the
// web form and the ticket API, so that the local store and DynamoDB accept
// and refuse the same tickets. Sizes are bytes of UTF-8, as DynamoDB
// counts them, after the text is cleaned (see SingleLine).
//
// What an alert says about itself (title, description, source, details,
// links, a sender's note) is cut to its limit, the cut marked with "…",
// and the ticket lists the field in Truncated, so that an alert is never
// lost for being verbose and nobody mistakes the cut for the whole. What
// identifies or routes a ticket (the dedup key, labels) and what a person
// types into the API (notes, names) is refused over its limit, with a
// message naming the field and the limit: cutting it would change what it
// means, and whoever sent it can fix it.
const (
	MaxTitle        = 1 << 10   // one line; cut
	MaxDescription  = 64 << 10  // cut
	MaxSource       = 1 << 10   // cut; a route that matches on source sees the cut text
	MaxDedupKey     = 512       // refused: a cut key could merge two problems; also a delivery id
	MaxLabels       = 128       // refused, like every label limit: labels route
	MaxLabelValue   = 1 << 10   // a label's name, and its value
	MaxLabelBytes   = 64 << 10  // all names and values together
	MaxDetails      = 128 << 10 // encoded as JSON; cut, see boundDetails
	MaxDetailsDepth = 16        // levels of objects and lists; deeper values become "…"
	MaxLinks        = 32        // more are left out
	MaxLinkURL      = 2 << 10   // a longer link is left out: a cut URL leads nowhere
	MaxLinkText     = 256       // cut
	MaxNote         = 8 << 10   // a note, hand-off note or resolution: a person's is refused, a sender's cut
	MaxName         = 256       // an actor, the person it acts for, an assignee: refused
	MaxCategory     = 256       // a form's category: refused
	MaxRequester    = 1 << 10   // a requester's name: refused (forms hold it to 200 characters first)
	MaxEmail        = 254       // a requester's e-mail, as RFC 5321 allows: refused
	MaxReason       = 1 << 10   // why tierline did something; tierline writes these itself

	// MaxTimeline and MaxTimelineNotes bound what people and senders add
	// to a timeline: past either, a note, an assignment or a reopen is
	// refused (409) and the ticket asks for a new one. What tierline
	// records by itself (escalations, repeats, deliveries, a resolution)
	// is bounded by the tiers and the policy's repeats, and is never
	// refused, so a full ticket still escalates, pages and resolves. The
	// notes bound keeps a ticket read whole, with its timeline, well within
	// the 6 MB a Lambda function may answer.
	MaxTimeline      = 1000    // events
	MaxTimelineNotes = 1 << 20 // bytes of notes, hand-off notes and resolutions

	// MaxHead bounds everything a ticket keeps but its timeline, as Size
	// counts it. The limits above add up to less (TestLimitsFitTheHead),
	// and MaxHead leaves 16 KiB of DynamoDB's 400 KB item limit for what
	// the store adds: attribute names, counters, times and index keys.
	// Both stores refuse a ticket over it (TooLarge), so neither keeps one
	// the other would refuse.
	MaxHead = 384 << 10

	// MaxEvent bounds one timeline event as EventSize counts it: DynamoDB
	// keeps each event as an item of its own, far below its 400 KB limit.
	MaxEvent = 16 << 10
)

// Fields a ticket may list in Truncated, and a hook answer in its
// results' "truncated".
const (
	FieldTitle       = "title"
	FieldDescription = "description"
	FieldSource      = "source"
	FieldDetails     = "details"
	FieldLinks       = "links"
	FieldNote        = "note"
)
