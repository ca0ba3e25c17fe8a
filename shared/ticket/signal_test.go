package ticket_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

func TestParseAction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want ticket.Action
	}{
		// Ensure empty means trigger.
		{in: "", want: ticket.Trigger},
		{in: "trigger", want: ticket.Trigger},
		// Ensure the senders' synonyms for "it is happening" trigger.
		{in: "firing", want: ticket.Trigger},
		{in: "alert", want: ticket.Trigger},
		{in: "alerting", want: ticket.Trigger},
		{in: "problem", want: ticket.Trigger},
		{in: "open", want: ticket.Trigger},
		{in: "create", want: ticket.Trigger},
		// Ensure case and surrounding space are ignored.
		{in: "  FIRING ", want: ticket.Trigger},
		{in: "acknowledge", want: ticket.Acknowledge},
		{in: "ack", want: ticket.Acknowledge},
		{in: "Acknowledged", want: ticket.Acknowledge},
		{in: "resolve", want: ticket.Resolve},
		{in: "resolved", want: ticket.Resolve},
		{in: "close", want: ticket.Resolve},
		{in: "closed", want: ticket.Resolve},
		{in: "OK", want: ticket.Resolve},
		{in: "recovered", want: ticket.Resolve},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ParseAction(tt.in)
			if err != nil {
				t.Fatalf("ParseAction(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseAction(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}

	// Ensure anything else is refused as Invalid.
	for _, in := range []string{"explode", "trigger!", "acknowledge resolve", "snooze"} {
		t.Run(fmt.Sprintf("refuses_%q", in), func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ParseAction(in)
			if code := ticket.ErrorCode(err); code != ticket.Invalid || got != "" {
				t.Errorf("ParseAction(%q)=%q, %v; want an %q error", in, got, err, ticket.Invalid)
			}
		})
	}
}

func TestSignalNormalize(t *testing.T) {
	t.Parallel()
	atLimit := strings.Repeat("k", ticket.MaxDedupKey)
	manyLabels := labels(ticket.MaxLabels)
	manyLinks := links(ticket.MaxLinks)
	tests := []struct {
		name string
		in   ticket.Signal
		want ticket.Signal
	}{
		// Ensure a signal without an action is a trigger.
		{name: "default_action",
			in:   ticket.Signal{DedupKey: "k", Title: "Disk full"},
			want: ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: "Disk full"}},
		// Ensure a synonym becomes the action it names.
		{name: "synonym_trigger",
			in:   ticket.Signal{Action: "firing", DedupKey: "k", Title: "Disk full"},
			want: ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: "Disk full"}},
		// Ensure a resolve synonym becomes resolve.
		{name: "synonym_resolve",
			in:   ticket.Signal{Action: "OK", DedupKey: "k"},
			want: ticket.Signal{Action: ticket.Resolve, DedupKey: "k"}},
		// Ensure a trigger without a dedup key gets one from its title.
		{name: "dedup_key_from_title",
			in:   ticket.Signal{Title: "Disk full on db1"},
			want: ticket.Signal{Action: ticket.Trigger, DedupKey: ticket.AutoDedupKey("Disk full on db1"), Title: "Disk full on db1"}},
		// Ensure a resolve with a title but no key finds the ticket the title opened.
		{name: "resolve_by_title",
			in:   ticket.Signal{Action: ticket.Resolve, Title: "Disk full on db1"},
			want: ticket.Signal{Action: ticket.Resolve, DedupKey: ticket.AutoDedupKey("Disk full on db1"), Title: "Disk full on db1"}},
		// Ensure a resolve needs no title.
		{name: "resolve_without_title",
			in:   ticket.Signal{Action: ticket.Resolve, DedupKey: "k"},
			want: ticket.Signal{Action: ticket.Resolve, DedupKey: "k"}},
		// Ensure an acknowledge needs no title.
		{name: "acknowledge_without_title",
			in:   ticket.Signal{Action: ticket.Acknowledge, DedupKey: "k"},
			want: ticket.Signal{Action: ticket.Acknowledge, DedupKey: "k"}},
		// Ensure text and key are trimmed.
		{name: "trims",
			in:   ticket.Signal{DedupKey: " k\n", Title: "  Disk full\t", Description: "\n95% used\n"},
			want: ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: "Disk full", Description: "95% used"}},
		// Ensure a dedup key of exactly MaxDedupKey bytes is accepted.
		{name: "dedup_key_at_limit",
			in:   ticket.Signal{DedupKey: atLimit, Title: "t"},
			want: ticket.Signal{Action: ticket.Trigger, DedupKey: atLimit, Title: "t"}},
		// Ensure exactly MaxLabels labels and MaxLinks links are accepted.
		{name: "labels_and_links_at_limit",
			in:   ticket.Signal{DedupKey: "k", Title: "t", Labels: manyLabels, Links: manyLinks},
			want: ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: "t", Labels: manyLabels, Links: manyLinks}},
		// Ensure a note is an action of its own that needs no title.
		{name: "annotate",
			in:   ticket.Signal{Action: ticket.Annotate, DedupKey: "k", Note: " deployed v2 \n"},
			want: ticket.Signal{Action: ticket.Annotate, DedupKey: "k", Note: "deployed v2"}},
		// Ensure an update may bring only a description.
		{name: "update_description",
			in:   ticket.Signal{Action: ticket.Update, DedupKey: "k", Description: "now 40 users"},
			want: ticket.Signal{Action: ticket.Update, DedupKey: "k", Description: "now 40 users"}},
		// Ensure a delivery id and a note ride along with any action.
		{name: "delivery_and_note",
			in:   ticket.Signal{Action: ticket.Resolve, DedupKey: "k", Note: "fixed", DeliveryID: "m-1"},
			want: ticket.Signal{Action: ticket.Resolve, DedupKey: "k", Note: "fixed", DeliveryID: "m-1"}},
		// Ensure a valid priority and the rest of the signal pass untouched.
		{name: "keeps_the_rest",
			in: ticket.Signal{DedupKey: "k", Title: "t", Severity: "critical", Priority: ticket.P2, Source: "db1",
				Category: "hardware", Labels: map[string]string{"env": ""}, Links: []ticket.Link{{Href: "http://x.example"}}},
			want: ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: "t", Severity: "critical", Priority: ticket.P2,
				Source: "db1", Category: "hardware", Labels: map[string]string{"env": ""}, Links: []ticket.Link{{Href: "http://x.example"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.in
			if err := got.Normalize(); err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Normalize=\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestSignalNormalizeRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    ticket.Signal
		field string // the message names it
	}{
		// Ensure a trigger says what is wrong.
		{name: "trigger_without_title", in: ticket.Signal{DedupKey: "k"}, field: "title"},
		// Ensure a blank title is no title.
		{name: "trigger_blank_title", in: ticket.Signal{DedupKey: "k", Title: " \n "}, field: "title"},
		// Ensure a trigger given by a synonym still needs a title.
		{name: "synonym_trigger_without_title", in: ticket.Signal{Action: "firing", DedupKey: "k"}, field: "title"},
		// Ensure an unknown action is refused.
		{name: "unknown_action", in: ticket.Signal{Action: "explode", DedupKey: "k", Title: "t"}, field: "action"},
		// Ensure a resolve names its ticket somehow.
		{name: "resolve_without_key_or_title", in: ticket.Signal{Action: ticket.Resolve}, field: "dedup_key"},
		// Ensure an acknowledge names its ticket somehow.
		{name: "acknowledge_without_key_or_title", in: ticket.Signal{Action: "ack", Description: "on it"}, field: "dedup_key"},
		// Ensure a dedup key over MaxDedupKey bytes is refused, not cut (cutting could merge problems).
		{name: "overlong_dedup_key", in: ticket.Signal{DedupKey: strings.Repeat("k", ticket.MaxDedupKey+1), Title: "t"}, field: "dedup_key"},
		// Ensure more than MaxLabels labels are refused.
		{name: "too_many_labels", in: ticket.Signal{DedupKey: "k", Title: "t", Labels: labels(ticket.MaxLabels + 1)}, field: "labels"},
		// Ensure a label needs a name.
		{name: "empty_label_name", in: ticket.Signal{DedupKey: "k", Title: "t", Labels: map[string]string{"": "x"}}, field: "label"},
		// Ensure a label name is held to MaxLabelValue bytes.
		{name: "overlong_label_name", in: ticket.Signal{DedupKey: "k", Title: "t",
			Labels: map[string]string{strings.Repeat("n", ticket.MaxLabelValue+1): "x"}}, field: "label"},
		// Ensure a label value is held to MaxLabelValue bytes.
		{name: "overlong_label_value", in: ticket.Signal{DedupKey: "k", Title: "t",
			Labels: map[string]string{"n": strings.Repeat("v", ticket.MaxLabelValue+1)}}, field: "label"},
		// Ensure label names and values together are held to MaxLabelBytes.
		{name: "labels_over_total", in: ticket.Signal{DedupKey: "k", Title: "t", Labels: bigLabels(ticket.MaxLabelBytes + 1)}, field: "labels take"},
		// Ensure a category is held to MaxCategory bytes.
		{name: "overlong_category", in: ticket.Signal{DedupKey: "k", Title: "t", Category: strings.Repeat("c", ticket.MaxCategory+1)}, field: "category"},
		// Ensure a requester's name and e-mail are held to their limits.
		{name: "overlong_requester", in: ticket.Signal{DedupKey: "k", Title: "t", Requester: ticket.Person{Name: strings.Repeat("n", ticket.MaxRequester+1)}}, field: "requester's name"},
		{name: "overlong_email", in: ticket.Signal{DedupKey: "k", Title: "t", Requester: ticket.Person{Email: strings.Repeat("e", ticket.MaxEmail+1)}}, field: "e-mail"},
		// Ensure two label names that differ only by control characters are refused, not merged at random.
		{name: "labels_same_once_cleaned", in: ticket.Signal{DedupKey: "k", Title: "t", Labels: map[string]string{"team": "a", "team\x07": "b"}}, field: "same name"},
		// Ensure a link is a web address.
		{name: "ftp_link", in: ticket.Signal{DedupKey: "k", Title: "t", Links: []ticket.Link{{Href: "ftp://x.example"}}}, field: "link"},
		// Ensure a script is no link.
		{name: "javascript_link", in: ticket.Signal{DedupKey: "k", Title: "t", Links: []ticket.Link{{Href: "javascript:alert(1)"}}}, field: "link"},
		// Ensure a link has an address.
		{name: "empty_link", in: ticket.Signal{DedupKey: "k", Title: "t", Links: []ticket.Link{{Text: "runbook"}}}, field: "link"},
		// Ensure a note action brings a note.
		{name: "annotate_without_note", in: ticket.Signal{Action: ticket.Annotate, DedupKey: "k", Note: " "}, field: "note"},
		// Ensure a note action names its ticket: there is no title to derive a key from.
		{name: "annotate_without_key", in: ticket.Signal{Action: ticket.Annotate, Title: "t", Note: "n"}, field: "dedup_key"},
		// Ensure an update brings something to update.
		{name: "update_without_text", in: ticket.Signal{Action: ticket.Update, DedupKey: "k"}, field: "title or description"},
		// Ensure an update names its ticket.
		{name: "update_without_key", in: ticket.Signal{Action: ticket.Update, Title: "t"}, field: "dedup_key"},
		// Ensure the sender's words cannot name the decoder-only actions.
		{name: "note_is_not_a_sender_word", in: ticket.Signal{Action: "Note", DedupKey: "k", Note: "n"}, field: "action"},
		// Ensure a delivery id is held to MaxDedupKey bytes.
		{name: "overlong_delivery_id", in: ticket.Signal{DedupKey: "k", Title: "t", DeliveryID: strings.Repeat("d", ticket.MaxDedupKey+1)}, field: "delivery id"},
		// Ensure a priority out of P1..P5 is refused.
		{name: "invalid_priority", in: ticket.Signal{DedupKey: "k", Title: "t", Priority: 9}, field: "priority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.in
			err := s.Normalize()
			if code := ticket.ErrorCode(err); code != ticket.Invalid {
				t.Fatalf("ErrorCode=%q, want %q (err: %v)", code, ticket.Invalid, err)
			}
			if msg := ticket.ErrorMessage(err); !strings.Contains(msg, tt.field) {
				t.Errorf("ErrorMessage=%q, want it to name %q", msg, tt.field)
			}
		})
	}
}

func TestAutoDedupKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		// Ensure the same title is the same problem, whatever its case.
		{name: "case_ignored", a: "Disk full on db1", b: "DISK FULL ON DB1", same: true},
		// Ensure different titles are different problems.
		{name: "different_titles", a: "Disk full on db1", b: "Disk full on db2", same: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := ticket.AutoDedupKey(tt.a), ticket.AutoDedupKey(tt.b)
			if (a == b) != tt.same {
				t.Errorf("AutoDedupKey(%q)=%q, AutoDedupKey(%q)=%q; same=%v, want %v", tt.a, a, tt.b, b, a == b, tt.same)
			}
			if !strings.HasPrefix(a, "auto:") || len(a) != len("auto:")+24 {
				t.Errorf("AutoDedupKey(%q)=%q, want auto: and 24 hex digits", tt.a, a)
			}
		})
	}

	// Ensure two senders of the same title in different case land on one ticket.
	t.Run("normalize_same_title_same_key", func(t *testing.T) {
		t.Parallel()
		a, b := ticket.Signal{Title: "Disk full on db1"}, ticket.Signal{Title: " disk FULL on DB1 "}
		if err := a.Normalize(); err != nil {
			t.Fatalf("Normalize: %v", err)
		}
		if err := b.Normalize(); err != nil {
			t.Fatalf("Normalize: %v", err)
		}
		if a.DedupKey != b.DedupKey {
			t.Errorf("DedupKey=%q and %q, want the same", a.DedupKey, b.DedupKey)
		}
	})
}

// labels returns n distinct labels.
func labels(n int) map[string]string {
	m := make(map[string]string, n)
	for i := range n {
		m[fmt.Sprintf("l%d", i)] = "v"
	}
	return m
}

// bigLabels returns labels whose names and values take n bytes together,
// each within MaxLabelValue, at most MaxLabels of them.
func bigLabels(n int) map[string]string {
	m := map[string]string{}
	for i := 0; n > 0; i++ {
		name := fmt.Sprintf("l%03d", i)
		v := strings.Repeat("v", min(ticket.MaxLabelValue, max(n-len(name), 0)))
		m[name] = v
		n -= len(name) + len(v)
	}
	return m
}

// links returns n valid links.
func links(n int) []ticket.Link {
	l := make([]ticket.Link, n)
	for i := range l {
		l[i] = ticket.Link{Href: fmt.Sprintf("https://x.example/%d", i)}
	}
	return l
}
