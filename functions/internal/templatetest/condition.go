package templatetest

import (
	"errors"
	"fmt"
)

// Conditions: a template's Conditions section evaluated with its
// parameters' defaults (or the values With gives), Fn::If choosing its
// branch by them, and resources whose Condition is false left out, so
// that a Ref to one is the error CloudFormation would report.

// errNoValue is what a Ref to AWS::NoValue resolves to: the property is
// left out. Resolve returns "" for it at the top.
var errNoValue = errors.New("AWS::NoValue")

// With returns a copy of t whose parameters take the given values instead
// of their defaults, so that a test can resolve the template as a stack
// deployed with them would be.
func (t *Template) With(params map[string]string) (*Template, error) {
	c := *t
	c.Parameters = map[string]map[string]any{}
	for id, p := range t.Parameters {
		c.Parameters[id] = p
	}
	for k, v := range params {
		p, ok := t.Parameters[k]
		if !ok {
			return nil, fmt.Errorf("With: no parameter %s", k)
		}
		q := map[string]any{}
		for pk, pv := range p {
			q[pk] = pv
		}
		q["Default"] = v
		c.Parameters[k] = q
	}
	return &c, nil
}

// Condition evaluates the named condition.
func (t *Template) Condition(name string) (bool, error) {
	v, ok := t.Conditions[name]
	if !ok {
		return false, fmt.Errorf("no condition %s", name)
	}
	ok, err := t.boolean(v)
	if err != nil {
		return false, fmt.Errorf("condition %s: %w", name, err)
	}
	return ok, nil
}

// Created reports whether resource id is part of the stack: it has no
// Condition, or its condition is true.
func (t *Template) Created(id string) (bool, error) {
	r, ok := t.Resources[id]
	if !ok {
		return false, fmt.Errorf("no resource %s", id)
	}
	if r.Condition == "" {
		return true, nil
	}
	return t.Condition(r.Condition)
}

// boolean evaluates a condition function.
func (t *Template) boolean(v any) (bool, error) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false, fmt.Errorf("%v is not a condition function", v)
	}
	for fn, arg := range m {
		args := list(arg)
		switch fn {
		case "Condition":
			name, _ := arg.(string)
			return t.Condition(name)
		case "Fn::Equals":
			if len(args) != 2 {
				return false, fmt.Errorf("Fn::Equals %v: want two values", arg)
			}
			a, err := t.Resolve(args[0])
			if err != nil {
				return false, err
			}
			b, err := t.Resolve(args[1])
			return a == b, err
		case "Fn::Not":
			if len(args) != 1 {
				return false, fmt.Errorf("Fn::Not %v: want one condition", arg)
			}
			ok, err := t.boolean(args[0])
			return !ok, err
		case "Fn::And", "Fn::Or":
			if len(args) < 2 {
				return false, fmt.Errorf("%s %v: want two conditions or more", fn, arg)
			}
			all := fn == "Fn::And"
			for _, c := range args {
				ok, err := t.boolean(c)
				if err != nil {
					return false, err
				}
				if ok != all {
					return !all, nil
				}
			}
			return all, nil
		}
		return false, fmt.Errorf("%s is not a condition function", fn)
	}
	return false, nil
}

// choose evaluates Fn::If [condition, then, else] to the branch it takes.
func (t *Template) choose(arg any) (any, error) {
	l := list(arg)
	if len(l) != 3 {
		return nil, fmt.Errorf("Fn::If %v: want [condition, value if true, value if false]", arg)
	}
	name, _ := l[0].(string)
	ok, err := t.Condition(name)
	if err != nil {
		return nil, fmt.Errorf("Fn::If: %w", err)
	}
	if ok {
		return l[1], nil
	}
	return l[2], nil
}

// Choose unwraps v while it is an Fn::If, to the branch the conditions
// take: what a check of a property that may be conditional looks at.
func (t *Template) Choose(v any) (any, error) {
	for {
		m, ok := v.(map[string]any)
		if !ok || len(m) != 1 || m["Fn::If"] == nil {
			return v, nil
		}
		var err error
		if v, err = t.choose(m["Fn::If"]); err != nil {
			return nil, err
		}
	}
}
