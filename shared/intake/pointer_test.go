package intake

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	var doc any
	if err := json.Unmarshal([]byte(`{"alert": {"name": "disk full", "tags": ["a", "b"]}, "a/b": 1, "m~n": 2, "": 3, "n": null}`), &doc); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ptr  string
		want any
		ok   bool
	}{
		// Ensure a member of a member is found.
		{name: "nested_member", ptr: "/alert/name", want: "disk full", ok: true},
		// Ensure a list element is found by index.
		{name: "index", ptr: "/alert/tags/1", want: "b", ok: true},
		// Ensure ~1 stands for / and ~0 for ~ (RFC 6901 section 4).
		{name: "escaped_slash", ptr: "/a~1b", want: 1.0, ok: true},
		{name: "escaped_tilde", ptr: "/m~0n", want: 2.0, ok: true},
		// Ensure "/" names the member with the empty name, not the whole document.
		{name: "empty_member", ptr: "/", want: 3.0, ok: true},
		// Ensure a null member is found, as null.
		{name: "null_member", ptr: "/n", want: nil, ok: true},
		// Ensure a missing member is not found.
		{name: "missing", ptr: "/alert/severity", ok: false},
		// Ensure an index past the end is not found.
		{name: "index_out_of_range", ptr: "/alert/tags/2", ok: false},
		// Ensure indexes have no leading zeros, signs or the "-" of JSON Patch.
		{name: "leading_zero", ptr: "/alert/tags/01", ok: false},
		{name: "plus_sign", ptr: "/alert/tags/+1", ok: false},
		{name: "dash", ptr: "/alert/tags/-", ok: false},
		// Ensure a pointer into a string finds nothing.
		{name: "into_string", ptr: "/alert/name/x", ok: false},
		// Ensure a pointer without its leading slash finds nothing.
		{name: "no_slash", ptr: "alert", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := lookup(doc, tt.ptr)
			if ok != tt.ok || ok && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("lookup(%q) = %#v, %v; want %#v, %v", tt.ptr, got, ok, tt.want, tt.ok)
			}
		})
	}
}
