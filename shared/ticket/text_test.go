package ticket_test

import (
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

// TestCleanText checks what a ticket keeps of text with control characters
// in it, in single-line and multi-line fields.
func TestCleanText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		one, many string // SingleLine, MultiLine
	}{
		// Ensure plain text in any script is kept as sent.
		{name: "plain", in: "Disk full on db1 — 97 % · ディスク", one: "Disk full on db1 — 97 % · ディスク", many: "Disk full on db1 — 97 % · ディスク"},
		// Ensure line breaks and tabs stay in multi-line text and become spaces on one line.
		{name: "lines_and_tabs", in: "a\tb\nc", one: "a b c", many: "a\tb\nc"},
		// Ensure CR LF and a bare CR, which rewrites a terminal's line, read as a line feed.
		{name: "carriage_returns", in: "ok\r\nfine\rFAKE", one: "ok  fine FAKE", many: "ok\nfine\nFAKE"},
		// Ensure an SGR colour sequence is removed whole.
		{name: "csi_colour", in: "\x1b[31mred\x1b[0m alert", one: "red alert", many: "red alert"},
		// Ensure a cursor move that could overwrite earlier output is removed whole.
		{name: "csi_cursor", in: "safe\x1b[2K\x1b[1Aevil", one: "safeevil", many: "safeevil"},
		// Ensure an OSC window title ended by BEL is removed whole.
		{name: "osc_title_bel", in: "x\x1b]0;pwned\x07y", one: "xy", many: "xy"},
		// Ensure an OSC 8 hyperlink ended by ESC \ keeps only its visible text.
		{name: "osc_hyperlink", in: "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", one: "click", many: "click"},
		// Ensure a C1 CSI (U+009B) is removed whole like ESC [.
		{name: "c1_csi", in: "a\u009b31mb", one: "ab", many: "ab"},
		// Ensure an unterminated OSC loses only its introducer, not the text after it.
		{name: "unterminated_osc", in: "a\x1b]0;rest of the text", one: "a]0;rest of the text", many: "a]0;rest of the text"},
		// Ensure a two-character escape (reset) is removed.
		{name: "short_escape", in: "a\x1bcb", one: "ab", many: "ab"},
		// Ensure a lone ESC at the end is removed.
		{name: "trailing_esc", in: "a\x1b", one: "a", many: "a"},
		// Ensure other C0 controls, DEL and C1 controls are removed.
		{name: "other_controls", in: "a\x00b\x07c\x7fd\u0085e\u0090f", one: "abcd ef", many: "abcd\nef"},
		// Ensure invalid UTF-8 becomes U+FFFD, as both stores would keep it.
		{name: "invalid_utf8", in: "a\xffb", one: "a\ufffdb", many: "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ticket.SingleLine(tt.in); got != tt.one {
				t.Errorf("SingleLine(%q)=%q, want %q", tt.in, got, tt.one)
			}
			if got := ticket.MultiLine(tt.in); got != tt.many {
				t.Errorf("MultiLine(%q)=%q, want %q", tt.in, got, tt.many)
			}
		})
	}
}

// Ensure every sender's fields, and what people type through the API, are
// cleaned on the way in: the ticket keeps no escape sequence anywhere.
func TestCleanTextOnTheTicket(t *testing.T) {
	t.Parallel()
	const esc = "\x1b]0;pwned\x07\x1b[31m"
	s := ticket.Signal{Action: ticket.Trigger, DedupKey: "k" + esc, Title: "Disk" + esc + " full\n",
		Description: "line 1\r\nline 2" + esc, Source: "db1" + esc, Category: "hw" + esc,
		Labels:    map[string]string{"team" + esc: "ops" + esc},
		Details:   map[string]any{"out" + esc: []any{"a" + esc + "\nb"}},
		Links:     []ticket.Link{{Href: "https://x.example/" + esc, Text: "dash" + esc}},
		Requester: ticket.Person{Name: "Ann" + esc, Email: "ann@example.test" + esc}}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	tk, err := ticket.New(testID, "prometheus", s, ticket.Placement{Tier: ticket.L1, Deadlines: policy[ticket.L1]}, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := tk.AddNote("ops"+esc, "tried"+esc+"\r\nagain", later); err != nil {
		t.Fatal(err)
	}
	if err := tk.ActedFor(len(tk.Timeline)-1, "alice"+esc); err != nil {
		t.Fatal(err)
	}
	want := ticket.Signal{DedupKey: "k", Title: "Disk full", Description: "line 1\nline 2", Source: "db1", Category: "hw"}
	if tk.DedupKey != want.DedupKey || tk.Title != want.Title || tk.Description != want.Description ||
		tk.Source != want.Source || tk.Category != want.Category {
		t.Errorf("kept %q %q %q %q %q", tk.DedupKey, tk.Title, tk.Description, tk.Source, tk.Category)
	}
	if tk.Labels["team"] != "ops" || len(tk.Labels) != 1 {
		t.Errorf("Labels=%q, want team=ops", tk.Labels)
	}
	if l, ok := tk.Details["out"].([]any); !ok || len(l) != 1 || l[0] != "a\nb" {
		t.Errorf("Details=%q, want out: [a\\nb]", tk.Details)
	}
	if tk.Links[0] != (ticket.Link{Href: "https://x.example/", Text: "dash"}) || tk.Requester != (ticket.Person{Name: "Ann", Email: "ann@example.test"}) {
		t.Errorf("Links=%q Requester=%q", tk.Links, tk.Requester)
	}
	if e := Last(t, tk); e.Actor != "ops" || e.OnBehalf != "alice" || e.Note != "tried\nagain" {
		t.Errorf("note event %+v, want ops for alice, tried\\nagain", e)
	}
}
