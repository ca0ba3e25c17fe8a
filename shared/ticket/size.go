package ticket

// Size is what the ticket keeps but its timeline, in bytes: its text, its
// labels' names and values, its details encoded as JSON, its links and
// the ids of its deliveries. It is what MaxHead bounds.
func (t *Ticket) Size() int {
	n := 0
	for _, p := range t.parts() {
		n += p.size
	}
	return n
}

// EventSize is what one timeline event keeps, in bytes: its text.
func EventSize(e Event) int {
	return len(e.Kind) + len(e.Actor) + len(e.OnBehalf) + len(e.Note) + len(e.Reason) + len(e.Channel) + len(e.Assignee)
}

// CheckSize refuses a ticket the stores must not keep: one over MaxHead,
// or whose timeline from event since on holds an event over MaxEvent.
// Both stores call it before every write, with since the number of events
// already stored, so that the local store refuses just what DynamoDB
// would. Tickets made from normalised signals and through the lifecycle
// methods always pass; the error names what is too big, for the day
// something else makes one.
func (t *Ticket) CheckSize(since int) error {
	if n := t.Size(); n > MaxHead {
		big := part{}
		for _, p := range t.parts() {
			if p.size > big.size {
				big = p
			}
		}
		return Errorf(TooLarge, "ticket %s would keep %d bytes, over the limit of %d (%d KiB); the largest part is its %s, %d bytes",
			t.ID, n, MaxHead, MaxHead>>10, big.name, big.size)
	}
	for i := max(since, 0); i < len(t.Timeline); i++ {
		if n := EventSize(t.Timeline[i]); n > MaxEvent {
			return Errorf(TooLarge, "ticket %s: its %s event would keep %d bytes, over the limit of %d: shorten its note or names",
				t.ID, t.Timeline[i].Kind, n, MaxEvent)
		}
	}
	return nil
}

// part is one field's share of a ticket's Size.
type part struct {
	name string
	size int
}

func (t *Ticket) parts() []part {
	labels := 0
	for k, v := range t.Labels {
		labels += len(k) + len(v)
	}
	links := 0
	for _, l := range t.Links {
		links += len(l.Href) + len(l.Text)
	}
	deliveries := 0
	for _, d := range t.Deliveries {
		deliveries += len(d.ID)
	}
	truncated := 0
	for _, f := range t.Truncated {
		truncated += len(f)
	}
	names := len(t.ID) + len(t.Integration) + len(t.Previous) + len(t.Policy) + len(t.Status) + len(t.Category)
	return []part{
		{FieldTitle, len(t.Title)}, {FieldDescription, len(t.Description)}, {FieldSource, len(t.Source)},
		{"dedup key", len(t.DedupKey)}, {"labels", labels}, {FieldDetails, DetailsSize(t.Details)},
		{FieldLinks, links}, {"requester", len(t.Requester.Name) + len(t.Requester.Email)},
		{"assignee", len(t.Assignee)}, {"resolution", len(t.Resolution)}, {"deliveries", deliveries},
		{"names", names + truncated},
	}
}

// sizeError is the message of a field refused for its size.
func sizeError(field string, n, limit int) *Error {
	return Errorf(Invalid, "%s is %d bytes long; the limit is %d", field, n, limit)
}

// roomForMore refuses what people and senders can repeat without limit
// (notes, assignments, reopens) once the timeline holds MaxTimeline events,
// or would hold more than MaxTimelineNotes bytes of notes with note added.
func (t *Ticket) roomForMore(note string) error {
	if len(t.Timeline) >= MaxTimeline {
		return Errorf(Conflict, "ticket %s has %d timeline events, the limit; open a new ticket for what follows", t.ID, MaxTimeline)
	}
	notes := len(note)
	for _, e := range t.Timeline {
		notes += len(e.Note)
	}
	if notes > MaxTimelineNotes {
		return Errorf(Conflict, "ticket %s's timeline holds %d bytes of notes, and this one would pass the limit of %d (%d MiB); open a new ticket for what follows",
			t.ID, notes-len(note), MaxTimelineNotes, MaxTimelineNotes>>20)
	}
	return nil
}
