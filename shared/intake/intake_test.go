package intake_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		kind string
		ok   bool
	}{
		// Ensure the generic kind has its decoder.
		{name: "generic", kind: "generic", ok: true},
		// Ensure an unknown kind has none.
		{name: "unknown", kind: "carrier-pigeon", ok: false},
		// Ensure the empty kind has none.
		{name: "empty", kind: "", ok: false},
		// Ensure kinds are matched exactly, as the config spells them.
		{name: "case_matters", kind: "Generic", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, ok := intake.Lookup(tt.kind)
			if ok != tt.ok {
				t.Fatalf("Lookup(%q) ok=%v, want %v", tt.kind, ok, tt.ok)
			}
			if ok != (d != nil) {
				t.Errorf("Lookup(%q) decoder nil=%v with ok=%v", tt.kind, d == nil, ok)
			}
		})
	}
}

// Ensure Lookup("generic") is the Generic decoder itself.
func TestLookup_genericDecodes(t *testing.T) {
	t.Parallel()
	d, _ := intake.Lookup("generic")
	got, err := d(&intake.Request{Body: []byte(`{"title": "t"}`), Header: http.Header{"Content-Type": {"application/json"}}})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if want := []ticket.Signal{{Action: ticket.Trigger, Title: "t"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("decode = %#v, want %#v", got, want)
	}
}

// Ensure Kinds is sorted, has a decoder for each kind, and agrees with the
// kinds a config may name, so that no valid config is refused by httpapi.New.
func TestKinds(t *testing.T) {
	t.Parallel()
	kinds := intake.Kinds()
	if !slices.IsSorted(kinds) {
		t.Errorf("Kinds=%v, want sorted", kinds)
	}
	for _, k := range kinds {
		if _, ok := intake.Lookup(k); !ok {
			t.Errorf("Lookup(%q) ok=false for a listed kind", k)
		}
	}
	want := slices.Sorted(slices.Values(policy.Kinds))
	if !slices.Equal(kinds, want) {
		t.Errorf("Kinds=%v, want policy.Kinds %v", kinds, want)
	}
	kinds[0] = "mutated"
	if again := intake.Kinds(); again[0] == "mutated" {
		t.Error("Kinds returns a slice that aliases the registry")
	}
}

func TestRequireJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ct   []string // header values; nil for none
		ok   bool
	}{
		// Ensure plain application/json passes.
		{name: "json", ct: []string{"application/json"}, ok: true},
		// Ensure parameters are allowed.
		{name: "json_charset", ct: []string{"application/json; charset=utf-8"}, ok: true},
		// Ensure +json suffixes pass (application/problem+json, vendor types).
		{name: "plus_json", ct: []string{"application/vnd.x+json"}, ok: true},
		// Ensure no content type is refused.
		{name: "missing", ct: nil, ok: false},
		// Ensure an empty content type is refused.
		{name: "empty", ct: []string{""}, ok: false},
		// Ensure text/plain is refused.
		{name: "text_plain", ct: []string{"text/plain"}, ok: false},
		// Ensure a look-alike is refused: json must be the subtype or its suffix.
		{name: "json_lookalike", ct: []string{"application/jsonx"}, ok: false},
		// Ensure text/json, which no sender we speak uses, is refused.
		{name: "text_json", ct: []string{"text/json"}, ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := intake.RequireJSON(http.Header{"Content-Type": tt.ct})
			if (err == nil) != tt.ok {
				t.Fatalf("RequireJSON(%q) = %v, want ok=%v", tt.ct, err, tt.ok)
			}
			if err != nil && ticket.ErrorCode(err) != ticket.Unsupported {
				t.Errorf("ErrorCode=%v, want %v", ticket.ErrorCode(err), ticket.Unsupported)
			}
		})
	}
}
