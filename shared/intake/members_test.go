package intake_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/ticket"
)

// event is a struct of the kind decoders read into: a credential, an
// identity, a nested struct, a map, a list and an untyped value.
type event struct {
	RoutingKey string            `json:"routing_key"`
	DedupKey   string            `json:"dedup_key,omitempty"`
	Payload    *payload          `json:"payload"`
	Labels     map[string]string `json:"labels"`
	Alerts     []payload         `json:"alerts"`
	Raw        json.RawMessage   `json:"raw"`
	Skipped    string            `json:"-"`
	Untagged   string
}

type payload struct {
	Summary string         `json:"summary"`
	Details map[string]any `json:"custom_details"`
}

func TestCheckMembers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		into any    // nil: untyped
		path string // of the duplicate; "" for none
		as   string // the second spelling, when it differs from the first
	}{
		// Ensure a body without duplicates passes, however nested.
		{name: "clean", body: `{"routing_key": "k", "payload": {"summary": "s", "custom_details": {"a": [1, {"b": 2}]}}, "alerts": [{}, {}]}`, into: &event{}},
		// Ensure a credential sent twice is refused, whatever the values.
		{name: "routing_key", body: `{"routing_key": "x", "routing_key": "y"}`, into: &event{}, path: "routing_key"},
		{name: "same_value_twice", body: `{"routing_key": "x", "routing_key": "x"}`, into: &event{}, path: "routing_key"},
		// Ensure a struct's member is the same in another case, as encoding/json reads it.
		{name: "case_variant", body: `{"routing_key": "x", "ROUTING_KEY": "y"}`, into: &event{}, path: "routing_key", as: "ROUTING_KEY"},
		{name: "untagged_case_variant", body: `{"untagged": "x", "Untagged": "y"}`, into: &event{}, path: "Untagged", as: "Untagged"},
		// Ensure an escaped spelling of a name is that name.
		{name: "escaped", body: `{"dedup_key": "a", "dedup\u005fkey": "b"}`, into: &event{}, path: "dedup_key"},
		// Ensure names that are not UTF-8 are compared as they decode: both are U+FFFD.
		{name: "invalid_utf8", body: "{\"\x80\": 0, \"\xac\": 0}", path: "\ufffd"},
		// Ensure nesting is followed, and the path names where.
		{name: "nested_struct", body: `{"payload": {"summary": "a", "Summary": "b"}}`, into: &event{}, path: "payload.summary", as: "Summary"},
		{name: "in_list", body: `{"alerts": [{"summary": "a"}, {"summary": "a", "summary": "b"}]}`, into: &event{}, path: "alerts[1].summary"},
		{name: "map_member", body: `{"labels": {"team": "a", "team": "b"}}`, into: &event{}, path: "labels.team"},
		{name: "deep_untyped", body: `{"payload": {"custom_details": {"x": {"y": [{"z": 1, "z": 2}]}}}}`, into: &event{}, path: "payload.custom_details.x.y[0].z"},
		{name: "raw_message", body: `{"raw": {"k": 1, "k": 2}}`, into: &event{}, path: "raw.k"},
		// Ensure a map's keys are told apart by case: they are different keys.
		{name: "map_case_differs", body: `{"labels": {"Team": "a", "team": "b"}}`, into: &event{}},
		// Ensure members a struct does not have are still refused when equal, never when only alike.
		{name: "unknown_twice", body: `{"extra": 1, "extra": 2}`, into: &event{}, path: "extra"},
		{name: "unknown_case_differs", body: `{"extra": 1, "Extra": 2}`, into: &event{}},
		{name: "skipped_field_case_differs", body: `{"Skipped": 1, "skipped": 2}`, into: &event{}},
		// Ensure untyped bodies, lists at the top and big objects are covered.
		{name: "untyped", body: `{"a": 1, "b": {"c": 1, "c": 1}}`, path: "b.c"},
		{name: "top_list", body: `[{"a": 1}, {"a": 1, "a": 1}]`, into: &[]map[string]any{}, path: "[1].a"},
		{name: "big_object", body: bigObject(40, true), path: "k0"},
		{name: "big_object_clean", body: bigObject(40, false)},
		// Ensure a body that is not JSON is left to the decoder (a duplicate before the break is still one).
		{name: "cut_short", body: `{"routing_key": "x", "payload": {"summ`, into: &event{}},
		{name: "cut_after_duplicate", body: `{"routing_key": "x", "routing_key": `, into: &event{}, path: "routing_key"},
		{name: "garbage", body: `}{][::,,"`, into: &event{}},
		{name: "empty", body: ``, into: &event{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := intake.CheckMembers([]byte(tt.body), tt.into)
			if tt.path == "" {
				if err != nil {
					t.Fatalf("CheckMembers: %v, want nil", err)
				}
				return
			}
			var dup *intake.DuplicateMember
			if !errors.As(err, &dup) || ticket.ErrorCode(err) != ticket.Malformed {
				t.Fatalf("CheckMembers: %v, want a malformed duplicate of %q", err, tt.path)
			}
			if dup.Path != tt.path || tt.as != "" && dup.Also != tt.as {
				t.Errorf("duplicate %+v, want path %q, second spelling %q", dup, tt.path, tt.as)
			}
			if msg := ticket.ErrorMessage(err); !strings.Contains(msg, `"`+tt.path+`" is sent twice`) {
				t.Errorf("message %q, want it to name %q", msg, tt.path)
			}
		})
	}
}

// bigObject is an object of n members, with the first one again at the end
// when dup is set: past the size where the scanner keeps names in a map.
func bigObject(n int, dup bool) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, `"k%d": 1, `, i)
	}
	if dup {
		b.WriteString(`"k0": 2, `)
	}
	b.WriteString(`"last": 1}`)
	return b.String()
}

// Ensure CheckMembers never panics, and, on JSON that encoding/json
// accepts, finds a duplicate exactly when a walk of the tokens finds one.
func FuzzCheckMembers(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":{"b":[{"c":1},{"c":1,"c":2}]}}`, `[1,"x",{"\u0061":1,"a":2}]`,
		`{"a":"\"","b":"\\"}`, `{}`, `[]`, `"s"`, `{"a":1}x`, `{"a" 1}`, `[[[[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		err := intake.CheckMembers(body, nil)
		if !json.Valid(body) {
			return
		}
		if want := tokensHaveDuplicate(t, body); (err != nil) != want {
			t.Fatalf("CheckMembers(%q)=%v, want a duplicate: %v", body, err, want)
		}
	})
}

// tokensHaveDuplicate walks body with encoding/json's tokenizer: the
// oracle of FuzzCheckMembers.
func tokensHaveDuplicate(t *testing.T, body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type level struct {
		object bool
		seen   map[string]bool
		key    bool // the next token of an object is a name
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return false
		}
		if err != nil {
			t.Fatalf("Token on valid JSON: %v", err)
		}
		top := (*level)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			name := tok.(string)
			if top.seen[name] {
				return true
			}
			top.seen[name] = true
			top.key = false
			continue
		}
		if top != nil && top.object {
			top.key = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &level{object: true, seen: map[string]bool{}, key: true})
		case json.Delim('['):
			stack = append(stack, &level{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

// BenchmarkCheckMembers measures what refusing duplicated members adds to
// decoding: "check" is CheckMembers alone, "decode" the whole decoder,
// which runs it, on each sender's sample. Compare the two per sample.
func BenchmarkCheckMembers(b *testing.B) {
	samples := []struct {
		rel    string
		decode intake.Decoder
	}{
		{"alertmanager/firing.json", intake.Alertmanager},
		{"pagerduty/trigger.json", intake.PagerDuty},
		{"opsgenie/create.json", intake.Opsgenie},
	}
	for _, s := range samples {
		body := intaketest.Event(b, s.rel)
		b.Run(s.rel+"/check", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := intake.CheckMembers(body, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.rel+"/decode", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := s.decode(jsonRequest(body, intake.Options{})); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
