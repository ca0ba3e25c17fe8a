// Package templatetest is test support for the template's tests. It reads
// template.yaml: the resources with SAM's Globals merged into each
// function, CloudFormation intrinsics (long and short forms), and a
// resolver that evaluates them in a fixed fake account, so that a test can
// compare what the template wires (an environment variable, a policy's
// resource) with what a function does.
//
// It is no CloudFormation engine: it knows the resource types, attributes
// and SAM policy templates tierline uses, and says so when it meets
// another, rather than guessing.
package templatetest

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Template is a parsed template.
type Template struct {
	Name       string
	Parameters map[string]map[string]any
	Conditions map[string]any
	Globals    map[string]any
	Resources  map[string]*Resource
	Outputs    map[string]any
}

// Resource is one entry of Resources.
type Resource struct {
	ID        string
	Type      string
	Condition string // the condition that creates it; "" for always
	// DeletionPolicy is what happens to it when the stack deletes it.
	DeletionPolicy string
	Properties     map[string]any
	Metadata       map[string]any
	Line           int
}

// Load reads and parses the template at path.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a template. Short-form intrinsics (!Ref, !GetAtt, !Sub and
// the other Fn:: tags) become their long forms, {"Ref": …} and
// {"Fn::GetAtt": [resource, attribute]}, so checks see one shape.
func Parse(name string, data []byte) (*Template, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty template", name)
	}
	root, err := value(doc.Content[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	top, ok := root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: the template is not a mapping", name)
	}
	t := &Template{Name: name, Parameters: map[string]map[string]any{}, Resources: map[string]*Resource{}}
	for id, p := range mapping(top["Parameters"]) {
		t.Parameters[id] = mapping(p)
	}
	t.Conditions = mapping(top["Conditions"])
	t.Globals = mapping(top["Globals"])
	t.Outputs = mapping(top["Outputs"])
	lines := resourceLines(doc.Content[0])
	for id, r := range mapping(top["Resources"]) {
		m := mapping(r)
		typ, _ := m["Type"].(string)
		if typ == "" {
			return nil, fmt.Errorf("%s:%d: resource %s has no Type", name, lines[id], id)
		}
		cond, _ := m["Condition"].(string)
		del, _ := m["DeletionPolicy"].(string)
		t.Resources[id] = &Resource{ID: id, Type: typ, Condition: cond, DeletionPolicy: del, Properties: mapping(m["Properties"]),
			Metadata: mapping(m["Metadata"]), Line: lines[id]}
	}
	return t, nil
}

// OfType returns the IDs of the resources of a type, sorted.
func (t *Template) OfType(typ string) []string {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// shortForms maps the YAML tags of intrinsics to their long names.
var shortForms = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!Join": "Fn::Join", "!If": "Fn::If",
	"!Select": "Fn::Select", "!Split": "Fn::Split", "!Equals": "Fn::Equals", "!Not": "Fn::Not",
	"!And": "Fn::And", "!Or": "Fn::Or", "!FindInMap": "Fn::FindInMap", "!GetAZs": "Fn::GetAZs",
	"!ImportValue": "Fn::ImportValue", "!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr",
}

// value turns a node into maps, lists and scalars (strings, and the ints
// and bools YAML gives), rewriting short-form intrinsics.
func value(n *yaml.Node) (any, error) {
	if long, ok := shortForms[n.Tag]; ok {
		inner := *n
		inner.Tag = ""
		v, err := value(&inner)
		if err != nil {
			return nil, err
		}
		if s, ok := v.(string); ok && long == "Fn::GetAtt" {
			res, attr, found := strings.Cut(s, ".")
			if !found {
				return nil, fmt.Errorf("line %d: !GetAtt %q: want Resource.Attribute", n.Line, s)
			}
			v = []any{res, attr}
		}
		return map[string]any{long: v}, nil
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, n.Tag)
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := value(c)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	case yaml.AliasNode:
		return value(n.Alias)
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// resourceLines finds the line of each resource's key, for messages.
func resourceLines(root *yaml.Node) map[string]int {
	lines := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "Resources" {
			continue
		}
		res := root.Content[i+1]
		for j := 0; j+1 < len(res.Content); j += 2 {
			lines[res.Content[j].Value] = res.Content[j].Line
		}
	}
	return lines
}

func mapping(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

func list(v any) []any {
	switch l := v.(type) {
	case []any:
		return l
	case nil:
		return nil
	}
	return []any{v}
}
