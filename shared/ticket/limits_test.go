package ticket_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tierline/tierline/shared/ticket"
)

// TestSignalNormalizeTruncates checks that long alert text is cut to its
// limit in bytes, on a rune boundary, marked with "…", and listed in
// Truncated, rather than refused; and that text at its limit is kept whole.
func TestSignalNormalizeTruncates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		field string
		max   int
		set   func(*ticket.Signal, string)
		get   func(ticket.Signal) string
	}{
		{name: "title", field: ticket.FieldTitle, max: ticket.MaxTitle,
			set: func(s *ticket.Signal, v string) { s.Title = v }, get: func(s ticket.Signal) string { return s.Title }},
		{name: "description", field: ticket.FieldDescription, max: ticket.MaxDescription,
			set: func(s *ticket.Signal, v string) { s.Description = v }, get: func(s ticket.Signal) string { return s.Description }},
		{name: "source", field: ticket.FieldSource, max: ticket.MaxSource,
			set: func(s *ticket.Signal, v string) { s.Source = v }, get: func(s ticket.Signal) string { return s.Source }},
		{name: "note", field: ticket.FieldNote, max: ticket.MaxNote,
			set: func(s *ticket.Signal, v string) { s.Note = v }, get: func(s ticket.Signal) string { return s.Note }},
		{name: "link_text", field: ticket.FieldLinks, max: ticket.MaxLinkText,
			set: func(s *ticket.Signal, v string) { s.Links = []ticket.Link{{Href: "https://x.example", Text: v}} },
			get: func(s ticket.Signal) string { return s.Links[0].Text }},
	}
	for _, tt := range tests {
		for _, n := range []int{tt.max - 1, tt.max, tt.max + 1, 3 * tt.max} {
			t.Run(fmt.Sprintf("%s_%d", tt.name, n), func(t *testing.T) {
				t.Parallel()
				in := strings.Repeat("é", n/2) + strings.Repeat("x", n%2) // two bytes a rune: a cut inside one would show
				s := ticket.Signal{DedupKey: "k", Title: "t"}
				tt.set(&s, in)
				if err := s.Normalize(); err != nil {
					t.Fatalf("Normalize: %v", err)
				}
				got, cut := tt.get(s), len(in) > tt.max
				switch {
				case !utf8.ValidString(got):
					t.Errorf("text is not valid UTF-8")
				case len(got) > tt.max:
					t.Errorf("text is %d bytes, over %d", len(got), tt.max)
				case !cut && got != in:
					t.Errorf("text was changed, want it whole")
				case cut && (!strings.HasSuffix(got, "…") || len(got) < tt.max-4 || !strings.HasPrefix(in, strings.TrimSuffix(got, "…"))):
					t.Errorf("cut text is %d bytes ending %q, want the start of the text up to the limit and the … marker", len(got), got[len(got)-6:])
				}
				if marked := slices.Contains(s.Truncated, tt.field); marked != cut {
					t.Errorf("Truncated=%q, want %s listed: %v", s.Truncated, tt.field, cut)
				}
				again := s
				if err := again.Normalize(); err != nil || !slices.Equal(again.Truncated, s.Truncated) || tt.get(again) != got {
					t.Errorf("a second Normalize changed the signal: %q, %v", again.Truncated, err)
				}
			})
		}
	}
}

// Ensure links past MaxLinks, and links whose URL is over MaxLinkURL, are
// left out and the links marked truncated, rather than the alert refused.
func TestSignalNormalizeLeavesOutLinks(t *testing.T) {
	t.Parallel()
	long := ticket.Link{Href: "https://x.example/" + strings.Repeat("p", ticket.MaxLinkURL)}
	tests := []struct {
		name  string
		links []ticket.Link
		kept  int
		cut   bool
	}{
		{name: "at_limit", links: links(ticket.MaxLinks), kept: ticket.MaxLinks},
		{name: "over_count", links: links(ticket.MaxLinks + 5), kept: ticket.MaxLinks, cut: true},
		{name: "url_over_limit", links: append([]ticket.Link{long}, links(2)...), kept: 2, cut: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := ticket.Signal{DedupKey: "k", Title: "t", Links: tt.links}
			if err := s.Normalize(); err != nil {
				t.Fatal(err)
			}
			if len(s.Links) != tt.kept || slices.Contains(s.Truncated, ticket.FieldLinks) != tt.cut {
				t.Errorf("kept %d links, Truncated=%q; want %d, cut %v", len(s.Links), s.Truncated, tt.kept, tt.cut)
			}
			if tt.name == "url_over_limit" && s.Links[0] != tt.links[1] {
				t.Errorf("first link kept %q, want the next one, %q", s.Links[0].Href, tt.links[1].Href)
			}
		})
	}
}

// Ensure the ticket keeps the marks of the fields it keeps: a repeat or a
// revision that replaces a field replaces its mark, and a note's mark is
// the hook answer's, not the ticket's.
func TestTruncatedMarks(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("d", ticket.MaxDescription+1)
	s := ticket.Signal{DedupKey: "k", Title: strings.Repeat("t", ticket.MaxTitle+1), Description: long,
		Note: strings.Repeat("n", ticket.MaxNote+1)}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	tk, err := ticket.New(testID, "prometheus", s, ticket.Placement{Tier: ticket.L1, Deadlines: policy[ticket.L1]}, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ticket.FieldDescription, ticket.FieldTitle}
	if !slices.Equal(tk.Truncated, want) {
		t.Fatalf("new ticket Truncated=%q, want %q", tk.Truncated, want)
	}
	repeat := ticket.Signal{Title: "t", Description: "short now", Details: map[string]any{"dump": strings.Repeat("x", 2*ticket.MaxDetails)}}
	if err := repeat.Normalize(); err != nil {
		t.Fatal(err)
	}
	if err := tk.Occur(repeat, later); err != nil {
		t.Fatal(err)
	}
	if want := []string{ticket.FieldDetails, ticket.FieldTitle}; !slices.Equal(tk.Truncated, want) {
		t.Fatalf("after a repeat Truncated=%q, want %q", tk.Truncated, want)
	}
	update := ticket.Signal{Action: ticket.Update, DedupKey: "k", Title: "Disk full", Description: long}
	if err := update.Normalize(); err != nil {
		t.Fatal(err)
	}
	tk.Revise(update, later)
	if want := []string{ticket.FieldDescription, ticket.FieldDetails}; !slices.Equal(tk.Truncated, want) {
		t.Fatalf("after a revision Truncated=%q, want %q", tk.Truncated, want)
	}
}

// Ensure the per-field limits add up to less than MaxHead, so that every
// ticket made from accepted input passes CheckSize; and that the largest
// such ticket does.
func TestLimitsFitTheHead(t *testing.T) {
	t.Parallel()
	sum := ticket.MaxTitle + ticket.MaxDescription + ticket.MaxSource + ticket.MaxDedupKey + ticket.MaxLabelBytes +
		ticket.MaxDetails + ticket.MaxLinks*(ticket.MaxLinkURL+ticket.MaxLinkText) + ticket.MaxRequester + ticket.MaxEmail +
		ticket.MaxCategory + ticket.MaxName + ticket.MaxNote + ticket.MaxDeliveries*ticket.MaxDedupKey +
		14 + 14 + 2*63 + len("acknowledged") + len("description,details,links,source,title")
	if sum > ticket.MaxHead {
		t.Fatalf("the limits add up to %d bytes, over MaxHead %d", sum, ticket.MaxHead)
	}
	tk := Largest(t)
	if n := tk.Size(); n > ticket.MaxHead || n < sum*9/10 {
		t.Errorf("the largest ticket's Size=%d, want it near %d and within %d", n, sum, ticket.MaxHead)
	}
	if err := tk.CheckSize(0); err != nil {
		t.Errorf("CheckSize of the largest ticket: %v", err)
	}
	if n := ticket.MaxTimeline * (ticket.MaxEvent); n < ticket.MaxTimelineNotes {
		t.Errorf("MaxTimeline events of MaxEvent bytes hold %d bytes, less than the notes they may hold", n)
	}
}

// Ensure CheckSize refuses a head over MaxHead or an added event over
// MaxEvent, as TooLarge, naming what is too big.
func TestCheckSize(t *testing.T) {
	t.Parallel()
	over := Largest(t)
	over.Description += strings.Repeat("d", ticket.MaxHead-over.Size()+1)
	err := over.CheckSize(0)
	if ticket.ErrorCode(err) != ticket.TooLarge || !strings.Contains(err.Error(), fmt.Sprintf("%d bytes, over the limit of %d", ticket.MaxHead+1, ticket.MaxHead)) ||
		!strings.Contains(err.Error(), "its details") {
		t.Errorf("CheckSize over MaxHead: %v, want TooLarge naming the size, the limit and the largest part", err)
	}
	tk := MustTicket(t, ticket.L1, ticket.StatusOpen)
	tk.Timeline = append(tk.Timeline, ticket.Event{Kind: ticket.EventNoted, Actor: strings.Repeat("a", ticket.MaxEvent)})
	if err := tk.CheckSize(len(tk.Timeline)); err != nil {
		t.Errorf("CheckSize of events already stored: %v, want them not checked again", err)
	}
	if err := tk.CheckSize(len(tk.Timeline) - 1); ticket.ErrorCode(err) != ticket.TooLarge || !strings.Contains(err.Error(), "noted event") {
		t.Errorf("CheckSize of an event over MaxEvent: %v, want TooLarge naming it", err)
	}
}

// Ensure a timeline takes notes up to MaxTimelineNotes bytes and refuses
// the next with Conflict, while resolving is never refused.
func TestTimelineNotesBound(t *testing.T) {
	t.Parallel()
	tk := MustTicket(t, ticket.L1, ticket.StatusOpen)
	note := strings.Repeat("n", 8000) // does not divide the bound: the last note must be cut to fit
	held := 0
	for _, e := range tk.Timeline {
		held += len(e.Note)
	}
	for held+len(note) <= ticket.MaxTimelineNotes {
		if err := tk.AddNote("bob", note, later); err != nil {
			t.Fatalf("note %d: %v", len(tk.Timeline), err)
		}
		held += len(note)
	}
	rest := ticket.MaxTimelineNotes - held
	if err := tk.AddNote("bob", note[:rest+1], later); ticket.ErrorCode(err) != ticket.Conflict || !strings.Contains(err.Error(), "1 MiB") {
		t.Fatalf("a note past the bound: %v, want Conflict naming the limit", err)
	}
	if err := tk.AddNote("bob", note[:rest], later); err != nil {
		t.Fatalf("a note up to the bound: %v", err)
	}
	if err := tk.Resolve("bob", note, later); err != nil {
		t.Fatalf("Resolve of a full timeline: %v", err)
	}
}

// Largest returns a ticket with every field at its limit, as accepted input
// makes it: the largest ticket the stores must keep.
func Largest(tb testing.TB) *ticket.Ticket {
	tb.Helper()
	details := map[string]any{"dump": strings.Repeat("x", 2*ticket.MaxDetails)}
	s := ticket.Signal{Action: ticket.Trigger, DedupKey: strings.Repeat("k", ticket.MaxDedupKey),
		Title: strings.Repeat("t", ticket.MaxTitle+1), Description: strings.Repeat("d", ticket.MaxDescription+1),
		Source: strings.Repeat("s", ticket.MaxSource+1), Labels: bigLabels(ticket.MaxLabelBytes), Details: details,
		Category:  strings.Repeat("c", ticket.MaxCategory),
		Requester: ticket.Person{Name: strings.Repeat("r", ticket.MaxRequester), Email: strings.Repeat("e", ticket.MaxEmail)}}
	for i := range ticket.MaxLinks {
		s.Links = append(s.Links, ticket.Link{Href: fmt.Sprintf("https://x.example/%04d/", i) + strings.Repeat("u", ticket.MaxLinkURL-23),
			Text: strings.Repeat("l", ticket.MaxLinkText)})
	}
	if err := s.Normalize(); err != nil {
		tb.Fatal(err)
	}
	tk, err := ticket.New(testID, strings.Repeat("i", 63), s, ticket.Placement{Tier: ticket.L1, Policy: strings.Repeat("p", 63),
		Deadlines: policy[ticket.L1]}, nil, now)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range ticket.MaxDeliveries {
		tk.RememberDelivery(ticket.Signal{DeliveryID: fmt.Sprintf("%04d", i) + strings.Repeat("d", ticket.MaxDedupKey-4)}, now)
	}
	tk.Previous = testID
	if err := tk.Assign("lead", strings.Repeat("a", ticket.MaxName), now); err != nil {
		tb.Fatal(err)
	}
	if err := tk.Resolve("lead", strings.Repeat("r", ticket.MaxNote), now); err != nil {
		tb.Fatal(err)
	}
	return tk
}
