package policy

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tierline/tierline/shared/ticket"
)

// ConfigError lists every problem found in a config file, each with the
// file, the line, the field and what to do about it, in file order.
type ConfigError struct {
	Problems []string
}

func (e *ConfigError) Error() string {
	if len(e.Problems) == 1 {
		return "config: " + e.Problems[0]
	}
	return fmt.Sprintf("config: %d problems:\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// parser walks the YAML node tree by hand rather than through struct tags,
// so that every error can name its line and field, unknown fields are caught
// with the list of known ones, and one pass collects every problem at once.
type parser struct {
	file     string
	problems []problem
	checks   []func(*Config) // run once the whole file is read: references between sections

	// secrets holds the values of the secrets the file names, in the
	// second pass; in the first it is nil and refs collects the names.
	secrets map[SecretRef]string
	refs    []namedRef
}

type problem struct {
	line int
	text string
}

func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	p.errorAt(n.Line, path, format, args...)
}

func (p *parser) errorAt(line int, path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	p.problems = append(p.problems, problem{line, fmt.Sprintf("%s:%d: %s", p.file, line, msg)})
}

// err returns the problems found, in file order, or nil. Checks that run
// after the walk (duplicates, references) report in place, not at the end.
func (p *parser) err() error {
	if len(p.problems) == 0 {
		return nil
	}
	slices.SortStableFunc(p.problems, func(a, b problem) int { return cmp.Compare(a.line, b.line) })
	e := &ConfigError{}
	for _, pr := range p.problems {
		e.Problems = append(e.Problems, pr.text)
	}
	return e
}

// fields calls set for each key of the mapping n, and reports keys that
// set does not know or that appear twice. It reports false when n is not a
// mapping, so that callers do not go on to complain about missing fields.
func (p *parser) fields(n *yaml.Node, path string, set map[string]func(v *yaml.Node, path string)) bool {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "want a mapping of fields, got %s", kindName(n))
		return false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := set[k.Value]
		if !ok {
			known := make([]string, 0, len(set))
			for name := range set {
				known = append(known, name)
			}
			sort.Strings(known)
			p.errorf(k, path, "unknown field %q (known fields: %s)", k.Value, strings.Join(known, ", "))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.errorf(k, join(path, k.Value), "set twice (first on line %d); keep one", first)
			continue
		}
		seen[k.Value] = k.Line
		f(v, join(path, k.Value))
	}
	return true
}

// items calls each for every element of the sequence n.
func (p *parser) items(n *yaml.Node, path string, each func(v *yaml.Node, path string)) {
	if isNull(n) {
		return // "routes:" with nothing after it is an empty list
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "want a list, got %s", kindName(n))
		return
	}
	for i, v := range n.Content {
		each(v, fmt.Sprintf("%s[%d]", path, i))
	}
}

// oneOrMore calls each for n, or for every element of n when it is a list:
// a match field may give one value or several.
func (p *parser) oneOrMore(n *yaml.Node, path string, each func(v *yaml.Node, path string)) {
	if n.Kind == yaml.SequenceNode {
		p.items(n, path, each)
		return
	}
	each(n, path)
}

// entries calls each for every key and value of the mapping n, in order,
// and reports keys that appear twice.
func (p *parser) entries(n *yaml.Node, path string, each func(k, v *yaml.Node, path string)) {
	if isNull(n) {
		return // "channels:" with nothing after it is an empty mapping
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "want a mapping, got %s", kindName(n))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if first, dup := seen[k.Value]; dup {
			p.errorf(k, join(path, k.Value), "set twice (first on line %d); keep one", first)
			continue
		}
		seen[k.Value] = k.Line
		each(k, v, join(path, k.Value))
	}
}

// scalar returns the text of n, and false when n is not a scalar (a list,
// a mapping, nothing), which it leaves to the caller to report.
func scalar(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}

func (p *parser) str(n *yaml.Node, path string) string {
	s, ok := scalar(n)
	if !ok {
		p.errorf(n, path, "want a string, got %s", kindName(n))
	}
	return s
}

// strs reads a string or a list of strings.
func (p *parser) strs(n *yaml.Node, path string) []string {
	var out []string
	p.oneOrMore(n, path, func(v *yaml.Node, path string) { out = append(out, p.str(v, path)) })
	return out
}

func (p *parser) strMap(n *yaml.Node, path string) map[string]string {
	out := map[string]string{}
	p.entries(n, path, func(k, v *yaml.Node, path string) { out[k.Value] = p.str(v, path) })
	return out
}

func (p *parser) integer(n *yaml.Node, path string, min, max int) int {
	s, _ := scalar(n)
	v, err := strconv.Atoi(s)
	if err != nil || v < min || v > max {
		p.errorf(n, path, "want a whole number from %d to %d, got %s", min, max, kindName(n))
		return 0
	}
	return v
}

// isNull reports whether n is YAML's null: nothing, "~" or "null".
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// maxDays is the most days a time.Duration holds.
const maxDays = int(math.MaxInt64 / int64(24*time.Hour))

// duration reads Go durations ("90s", "15m", "4h30m") and whole days ("2d").
func (p *parser) duration(n *yaml.Node, path string) time.Duration {
	s, _ := scalar(n)
	s = strings.TrimSpace(s)
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var k int
		k, err = strconv.Atoi(days)
		if k > maxDays {
			k = -1 // would overflow
		}
		d = time.Duration(k) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 {
		p.errorf(n, path, "want a positive duration such as 90s, 15m, 4h or 2d, got %s", kindName(n))
		return 0
	}
	return d
}

func (p *parser) tier(n *yaml.Node, path string) ticket.Tier {
	s, ok := scalar(n)
	if !ok {
		p.errorf(n, path, "want L1, L2 or L3, got %s", kindName(n))
		return 0
	}
	t, err := ticket.ParseTier(s)
	if err != nil {
		p.errorf(n, path, "%s", ticket.ErrorMessage(err))
	}
	return t
}

func (p *parser) priority(n *yaml.Node, path string) ticket.Priority {
	s, ok := scalar(n)
	if !ok {
		p.errorf(n, path, "want P1 to P5, got %s", kindName(n))
		return 0
	}
	v, err := ticket.ParsePriority(s)
	if err != nil {
		p.errorf(n, path, "%s", ticket.ErrorMessage(err))
	}
	return v
}

// given reads an optional string field of item whose value is v (nil when
// the field is absent). It returns the text ("" when absent) and the node a
// problem with it should point at, and false when v is not a string, which
// it reports.
func (p *parser) given(item, v *yaml.Node, path string) (string, *yaml.Node, bool) {
	if v == nil {
		return "", item, true
	}
	return p.str(v, path), v, v.Kind == yaml.ScalarNode && v.Tag != "!!null"
}

// oneOf reads a kind field of item, whose value is v (nil when absent),
// which must be one of want.
func (p *parser) oneOf(item, v *yaml.Node, path string, want []string) string {
	s, at, ok := p.given(item, v, path)
	if ok && !slices.Contains(want, s) {
		p.errorf(at, path, "unknown kind %q: want one of %s", s, strings.Join(want, ", "))
	}
	return s
}

// name reads the name field of item, whose value is v (nil when absent): a
// URL-safe word, since names appear in URLs, logs and timelines.
func (p *parser) name(item, v *yaml.Node, path, why string) string {
	s, at, ok := p.given(item, v, path)
	if ok && !namePattern.MatchString(s) {
		p.errorf(at, path, "want 1 to 63 of a-z, 0-9, - and _%s, got %q", why, s)
	}
	return s
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}
