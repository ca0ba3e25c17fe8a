package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tierline/tierline/shared/ticket"
)

// mappedFields are the fields a mapping may point at, each with the member
// of the generic shape read when the mapping leaves it out.
var mappedFields = []struct{ field, fallback string }{
	{"title", "/title"}, {"description", "/description"}, {"dedup_key", "/dedup_key"},
	{"severity", "/severity"}, {"priority", "/priority"}, {"action", "/action"}, {"source", "/source"},
}

// mapped decodes a generic body in the sender's own shape: each field the
// mapping names is read through its JSON pointer, every other field from
// the generic shape's member of that name; labels, details and links from
// the generic members only. A body may be one object or a list.
func mapped(body []byte, mapping map[string]string) ([]ticket.Signal, error) {
	body = bytes.TrimSpace(body)
	var items []json.RawMessage
	if len(body) > 0 && body[0] == '[' {
		if err := decodeJSON(body, &items); err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return nil, ticket.Errorf(ticket.Invalid, "the list of alerts is empty")
		}
	} else {
		items = []json.RawMessage{body}
	}
	out := make([]ticket.Signal, 0, len(items))
	for _, item := range items {
		s, err := mappedSignal(item, mapping)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// genericExtras are the members a mapped body still gives in the generic
// shape, when it has them.
type genericExtras struct {
	Labels  map[string]string `json:"labels"`
	Details map[string]any    `json:"details"`
	Links   []genericLink     `json:"links"`
}

func mappedSignal(item json.RawMessage, mapping map[string]string) (ticket.Signal, error) {
	if err := CheckMembers(item, nil); err != nil {
		return ticket.Signal{}, err // a pointer must point at one value
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(item))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return ticket.Signal{}, decodeJSON(item, &doc) // the same error, told apart as decodeJSON does
	}
	if _, ok := doc.(map[string]any); !ok {
		return ticket.Signal{}, ticket.Errorf(ticket.Invalid, "the body: want an object, got JSON %s", jsonKind(doc))
	}
	values := map[string]string{}
	for _, f := range mappedFields {
		ptr, explicit := mapping[f.field]
		if !explicit {
			ptr = f.fallback
		}
		v, err := pointedText(doc, ptr)
		if err != nil {
			if explicit {
				return ticket.Signal{}, ticket.Errorf(ticket.Invalid, "mapping.%s points at %s: %s", f.field, ptr, err)
			}
			return ticket.Signal{}, ticket.Errorf(ticket.Invalid, "%s: %s", f.field, err)
		}
		values[f.field] = v
	}
	var extras genericExtras
	if err := decodeJSON(item, &extras); err != nil {
		return ticket.Signal{}, err
	}
	a := genericAlert{Title: values["title"], Description: values["description"], DedupKey: values["dedup_key"],
		Severity: values["severity"], Priority: values["priority"], Action: values["action"], Source: values["source"],
		Labels: extras.Labels, Details: extras.Details, Links: extras.Links}
	if _, ok := mapping["title"]; !ok && a.Title == "" {
		a.Summary, _ = pointedText(doc, "/summary")
	}
	s, err := a.signal()
	if err != nil {
		return ticket.Signal{}, err
	}
	if s.Action == ticket.Trigger && strings.TrimSpace(s.Title) == "" {
		if ptr, ok := mapping["title"]; ok {
			return ticket.Signal{}, ticket.Errorf(ticket.Invalid, "mapping.title points at %s, which this body does not have: a trigger needs a title", ptr)
		}
	}
	return s, nil
}

// pointedText reads the text at ptr: a string, or a number or boolean in
// its JSON spelling; nothing (absent or null) is "".
func pointedText(doc any, ptr string) (string, error) {
	v, ok := lookup(doc, ptr)
	if !ok || v == nil {
		return "", nil
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		return fmt.Sprint(v), nil
	}
	return "", fmt.Errorf("want text, got JSON %s", jsonKind(v))
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case nil:
		return "null"
	case bool:
		return "boolean"
	}
	return "number"
}
