package intake

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// shape is how encoding/json decodes a JSON value into a Go type, as far as
// CheckMembers needs to know: into a struct's fields (names matched
// without regard to case), into a map's or a list's elements, or into
// something untyped (an interface, a json.RawMessage, a type that decodes
// itself), where every member counts as named. A nil *shape is untyped.
type shape struct {
	kind   shapeKind
	fields []shapeField // of a struct
	of     *shape       // the elements of a map or a list
}

type shapeKind uint8

const (
	untyped shapeKind = iota
	structShape
	mapShape
	listShape
)

type shapeField struct {
	name  []byte
	shape *shape
}

// member returns the name a member k of an object of this shape is known
// by (a struct field's own spelling, whatever the case of k) and the shape
// of its value.
func (s *shape) member(k []byte) ([]byte, *shape) {
	switch {
	case s == nil:
		return k, nil
	case s.kind == structShape:
		for _, f := range s.fields {
			if bytes.Equal(f.name, k) {
				return f.name, f.shape
			}
		}
		for _, f := range s.fields {
			if bytes.EqualFold(f.name, k) {
				return f.name, f.shape
			}
		}
	case s.kind == mapShape:
		return k, s.of
	}
	return k, nil
}

// elem returns the shape of a list's elements.
func (s *shape) elem() *shape {
	if s == nil || s.kind != listShape {
		return nil
	}
	return s.of
}

var (
	shapes          sync.Map // reflect.Type → *shape
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// shapeOf returns the shape of t, built once per type.
func shapeOf(t reflect.Type) *shape {
	if t == nil {
		return nil
	}
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	s := buildShape(t, map[reflect.Type]*shape{})
	shapes.Store(t, s)
	return s
}

// buildShape builds the shape of t; building holds the shapes under
// construction, so that a type that contains itself ends.
func buildShape(t reflect.Type, building map[reflect.Type]*shape) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := building[t]; ok {
		return s
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		s := &shape{kind: structShape}
		building[t] = s
		s.fields = structFields(t, building)
		return s
	case reflect.Map:
		s := &shape{kind: mapShape}
		building[t] = s
		s.of = buildShape(t.Elem(), building)
		return s
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // []byte is a base64 string
		}
		s := &shape{kind: listShape}
		building[t] = s
		s.of = buildShape(t.Elem(), building)
		return s
	}
	return nil
}

// structFields lists the members encoding/json decodes into t: exported
// fields under their tag's name, and the fields of embedded structs.
func structFields(t reflect.Type, building map[reflect.Type]*shape) []shapeField {
	var out []shapeField
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			out = append(out, structFields(ft, building)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, shapeField{name: []byte(name), shape: buildShape(f.Type, building)})
	}
	return out
}
