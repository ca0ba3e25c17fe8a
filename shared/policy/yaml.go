package policy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tierline/tierline/shared/ticket"
)

// ConfigError lists every problem found in a config file, each with the
// file, the line, the field and what to do about it.
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
	problems []string
}

func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	p.problems = append(p.problems, fmt.Sprintf("%s:%d: %s", p.file, line, msg))
}

// fields calls set for each key of the mapping n, and reports keys that
// set does not know.
func (p *parser) fields(n *yaml.Node, path string, set map[string]func(v *yaml.Node, path string)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "want a mapping of fields, got %s", kindName(n))
		return
	}
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
		f(v, join(path, k.Value))
	}
}

// items calls each for every element of the sequence n.
func (p *parser) items(n *yaml.Node, path string, each func(v *yaml.Node, path string)) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "want a list, got %s", kindName(n))
		return
	}
	for i, v := range n.Content {
		each(v, fmt.Sprintf("%s[%d]", path, i))
	}
}

// entries calls each for every key and value of the mapping n, in order.
func (p *parser) entries(n *yaml.Node, path string, each func(k, v *yaml.Node, path string)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "want a mapping, got %s", kindName(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		each(n.Content[i], n.Content[i+1], join(path, n.Content[i].Value))
	}
}

func (p *parser) str(n *yaml.Node, path string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, path, "want a string, got %s", kindName(n))
		return ""
	}
	return n.Value
}

// strs reads a string or a list of strings.
func (p *parser) strs(n *yaml.Node, path string) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{p.str(n, path)}
	}
	var out []string
	p.items(n, path, func(v *yaml.Node, path string) { out = append(out, p.str(v, path)) })
	return out
}

func (p *parser) strMap(n *yaml.Node, path string) map[string]string {
	out := map[string]string{}
	p.entries(n, path, func(k, v *yaml.Node, path string) { out[k.Value] = p.str(v, path) })
	return out
}

func (p *parser) integer(n *yaml.Node, path string, min, max int) int {
	v, err := strconv.Atoi(p.str(n, path))
	if err != nil || v < min || v > max {
		p.errorf(n, path, "want a whole number from %d to %d, got %q", min, max, n.Value)
	}
	return v
}

func (p *parser) boolean(n *yaml.Node, path string) bool {
	switch strings.ToLower(p.str(n, path)) {
	case "true", "yes", "on":
		return true
	case "false", "no", "off":
		return false
	}
	p.errorf(n, path, "want true or false, got %q", n.Value)
	return false
}

// duration reads Go durations ("90s", "15m", "4h30m") and whole days ("2d").
func (p *parser) duration(n *yaml.Node, path string) time.Duration {
	s := strings.TrimSpace(p.str(n, path))
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var k int
		k, err = strconv.Atoi(days)
		d = time.Duration(k) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 {
		p.errorf(n, path, "want a positive duration such as 90s, 15m, 4h or 2d, got %q", s)
		return 0
	}
	return d
}

func (p *parser) tier(n *yaml.Node, path string) ticket.Tier {
	t, err := ticket.ParseTier(p.str(n, path))
	if err != nil {
		p.errorf(n, path, "%s", ticket.ErrorMessage(err))
	}
	return t
}

func (p *parser) priority(n *yaml.Node, path string) ticket.Priority {
	v, err := ticket.ParsePriority(p.str(n, path))
	if err != nil {
		p.errorf(n, path, "%s", ticket.ErrorMessage(err))
	}
	return v
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
