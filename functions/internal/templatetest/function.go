package templatetest

import (
	"fmt"
	"sort"
)

// Function is an AWS::Serverless::Function with the template's Globals
// merged in the way SAM merges them: scalars replaced, maps merged, lists
// appended.
type Function struct {
	ID            string
	CodeURI       string
	BuildMethod   string
	Runtime       string
	Handler       string
	Architectures []string
	MemorySize    int
	Timeout       int
	Environment   map[string]any // variable → its value, unresolved
	Events        map[string]Event
	Policies      []any
}

// Event is one entry of a function's Events.
type Event struct {
	Type       string
	Properties map[string]any
}

// Functions returns the IDs of the template's functions, sorted.
func (t *Template) Functions() []string { return t.OfType("AWS::Serverless::Function") }

// Function returns the function id with Globals merged.
func (t *Template) Function(id string) (*Function, error) {
	r, ok := t.Resources[id]
	if !ok || r.Type != "AWS::Serverless::Function" {
		return nil, fmt.Errorf("no function %s", id)
	}
	p := merge(mapping(t.Globals["Function"]), r.Properties)
	f := &Function{ID: id, Environment: map[string]any{}, Events: map[string]Event{}}
	f.CodeURI, _ = p["CodeUri"].(string)
	f.BuildMethod, _ = r.Metadata["BuildMethod"].(string)
	f.Runtime, _ = p["Runtime"].(string)
	f.Handler, _ = p["Handler"].(string)
	for _, a := range list(p["Architectures"]) {
		s, _ := a.(string)
		f.Architectures = append(f.Architectures, s)
	}
	f.MemorySize, _ = p["MemorySize"].(int)
	f.Timeout, _ = p["Timeout"].(int)
	if f.Timeout == 0 {
		f.Timeout = 3 // Lambda's default
	}
	for k, v := range mapping(mapping(p["Environment"])["Variables"]) {
		f.Environment[k] = v
	}
	for name, e := range mapping(p["Events"]) {
		m := mapping(e)
		typ, _ := m["Type"].(string)
		f.Events[name] = Event{Type: typ, Properties: mapping(m["Properties"])}
	}
	f.Policies = list(p["Policies"])
	return f, nil
}

// Env returns the environment variables of function id, resolved in the
// fake account: what the deployed function would read.
func (t *Template) Env(id string) (map[string]string, error) {
	f, err := t.Function(id)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	for k, v := range f.Environment {
		s, err := t.Resolve(v)
		if err != nil {
			return nil, fmt.Errorf("%s: Environment.%s: %w", id, k, err)
		}
		env[k] = s
	}
	return env, nil
}

// EventsOfType returns the names of f's events of a type, sorted.
func (f *Function) EventsOfType(typ string) []string {
	var names []string
	for name, e := range f.Events {
		if e.Type == typ {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// merge applies SAM's Globals rule: the resource's scalars win, maps are
// merged key by key, lists are the globals' followed by the resource's.
func merge(global, own map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range global {
		out[k] = v
	}
	for k, v := range own {
		g, ok := out[k]
		if !ok {
			out[k] = v
			continue
		}
		gm, gIsMap := g.(map[string]any)
		om, oIsMap := v.(map[string]any)
		gl, gIsList := g.([]any)
		ol, oIsList := v.([]any)
		switch {
		case gIsMap && oIsMap && !isIntrinsic(om):
			out[k] = merge(gm, om)
		case gIsList && oIsList:
			out[k] = append(append([]any{}, gl...), ol...)
		default:
			out[k] = v
		}
	}
	return out
}

func isIntrinsic(m map[string]any) bool {
	if len(m) != 1 {
		return false
	}
	for k := range m {
		return k == "Ref" || len(k) > 4 && k[:4] == "Fn::"
	}
	return false
}
