package policy

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/tierline/tierline/shared/ticket"
)

// Form is a web form people file requests through: tierline serves it at
// /forms/{name}, and a page of one of its origins may post to it too.
//
// Its name is the integration of the tickets it files, so it is URL-safe
// and may not be an integration's name as well: the two would share dedup
// keys and route matches.
type Form struct {
	Name        string
	Title       string
	Description string
	Categories  []string // what the requester picks from; routes match it as category
	Origins     []string // scheme://host[:port] of other sites' pages allowed to post
	Impacts     []Impact // the impact choices, in the order shown
	line        int      // of its name, for duplicates
}

// Impact is a choice of how much a request hurts. It sets the ticket's
// priority unless a route sets one, and routes may match its name as the
// severity or as the label "impact".
type Impact struct {
	Name     string
	Label    string // what the requester reads; default the name
	Priority ticket.Priority
}

// DefaultImpacts are the impact choices of a form that lists none.
var DefaultImpacts = []Impact{
	{Name: "low", Label: "Low: I can work around it", Priority: ticket.P4},
	{Name: "medium", Label: "Medium: it slows my work down", Priority: ticket.P3},
	{Name: "high", Label: "High: I cannot work, or several people are affected", Priority: ticket.P2},
}

// Limits on what a form's config may hold: they are shown on its page.
const (
	MaxFormTitle       = 200
	MaxFormDescription = 2000
	MaxCategory        = 63
)

// Form returns the form called name.
func (c *Config) Form(name string) (Form, bool) {
	for _, f := range c.Forms {
		if f.Name == name {
			return f, true
		}
	}
	return Form{}, false
}

// Category returns the category of the form that s names, ignoring case.
func (f Form) Category(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, c := range f.Categories {
		if strings.EqualFold(c, s) {
			return c, true
		}
	}
	return "", false
}

// Impact returns the impact of the form that s names, ignoring case.
func (f Form) Impact(s string) (Impact, bool) {
	s = strings.TrimSpace(s)
	for _, im := range f.Impacts {
		if strings.EqualFold(im.Name, s) {
			return im, true
		}
	}
	return Impact{}, false
}

// AllowsOrigin reports whether a page of origin (the browser's Origin
// header, exactly) is one the form lists.
func (f Form) AllowsOrigin(origin string) bool {
	for _, o := range f.Origins {
		if o == origin {
			return true
		}
	}
	return false
}

func (p *parser) form(n *yaml.Node, path string) Form {
	f := Form{line: n.Line}
	var name, title, categories *yaml.Node
	if !p.fields(n, path, map[string]func(*yaml.Node, string){
		"name":        func(v *yaml.Node, _ string) { name = v },
		"title":       func(v *yaml.Node, _ string) { title = v },
		"description": func(v *yaml.Node, path string) { f.Description = p.text(v, path, MaxFormDescription) },
		"categories":  func(v *yaml.Node, path string) { categories, f.Categories = v, p.categories(v, path) },
		"origins":     func(v *yaml.Node, path string) { f.Origins = p.origins(v, path) },
		"impact":      func(v *yaml.Node, path string) { f.Impacts = p.impacts(v, path) },
	}) {
		return f
	}
	f.Name = p.name(n, name, path+".name", " (it becomes part of the form's URL)")
	if name != nil {
		f.line = name.Line
	}
	if title == nil {
		p.errorf(n, path, "form %q needs a title: it heads the page", f.Name)
	} else {
		f.Title = p.text(title, path+".title", MaxFormTitle)
	}
	if categories == nil || isNull(categories) || (categories.Kind == yaml.SequenceNode && len(categories.Content) == 0) {
		p.errorf(n, path+".categories", "form %q needs at least one category: the requester picks one, and routes match it", f.Name)
	}
	if f.Impacts == nil {
		f.Impacts = slices.Clone(DefaultImpacts)
	}
	return f
}

// forms reads the forms, and once the whole file is read reports a form
// whose name another form or an integration has.
func (p *parser) forms(n *yaml.Node, path string) []Form {
	var out []Form
	p.items(n, path, func(v *yaml.Node, path string) { out = append(out, p.form(v, path)) })
	p.checks = append(p.checks, func(c *Config) {
		seen := map[string]bool{}
		for i, f := range c.Forms {
			at := fmt.Sprintf("%s[%d].name", path, i)
			if seen[f.Name] && f.Name != "" {
				p.errorAt(f.line, at, "the name %q is used twice; names are part of form URLs and must be unique, so rename one", f.Name)
			}
			seen[f.Name] = true
			if _, ok := c.Integration(f.Name); ok && f.Name != "" {
				p.errorAt(f.line, at, "the name %q is an integration's too; tickets of both would share dedup keys and routes, so rename one", f.Name)
			}
		}
	})
	return out
}

// text reads a one-line-or-more text of at most max characters.
func (p *parser) text(v *yaml.Node, path string, max int) string {
	s := strings.TrimSpace(p.str(v, path))
	if n := utf8.RuneCountInString(s); n > max {
		p.errorf(v, path, "%d characters; the limit is %d, so shorten it", n, max)
	}
	return s
}

func (p *parser) categories(n *yaml.Node, path string) []string {
	var out []string
	seen := map[string]bool{}
	p.items(n, path, func(v *yaml.Node, path string) {
		s := strings.TrimSpace(p.str(v, path))
		switch {
		case v.Kind != yaml.ScalarNode:
			return // p.str reported it
		case s == "" || utf8.RuneCountInString(s) > MaxCategory || strings.IndexFunc(s, unicode.IsControl) >= 0:
			p.errorf(v, path, "want a category of 1 to %d characters on one line, got %s", MaxCategory, kindName(v))
		case seen[strings.ToLower(s)]:
			p.errorf(v, path, "the category %q is listed twice; keep one", s)
		default:
			out = append(out, s)
		}
		seen[strings.ToLower(s)] = true
	})
	return out
}

// origins reads the origins allowed to post: each exactly what a browser
// sends as Origin, so that the check is a plain comparison.
func (p *parser) origins(n *yaml.Node, path string) []string {
	var out []string
	seen := map[string]bool{}
	p.items(n, path, func(v *yaml.Node, path string) {
		s, ok := scalar(v)
		if !ok {
			p.errorf(v, path, "want an origin such as https://intranet.example, got %s", kindName(v))
			return
		}
		if problem := originProblem(s); problem != "" {
			p.errorf(v, path, "%s", problem)
			return
		}
		if seen[s] {
			p.errorf(v, path, "the origin %q is listed twice; keep one", s)
		}
		seen[s] = true
		out = append(out, s)
	})
	return out
}

// originProblem says what is wrong with an origin as a config gives it,
// or "" when it is one a browser could send.
func originProblem(s string) string {
	const want = "want scheme://host[:port] as a browser sends it in Origin, such as https://intranet.example"
	if s == "*" || s == "null" {
		return fmt.Sprintf("%q is not allowed: list each site's origin, so that no other page can file requests", s)
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "":
		return fmt.Sprintf("%s, got %q", want, s)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#"):
		return fmt.Sprintf("%s, got %q: drop everything after the host and port", want, s)
	case u.Path != "":
		return fmt.Sprintf("%s, got %q: drop the path (an origin has none, not even a trailing /)", want, s)
	case u.Scheme+"://"+strings.ToLower(u.Host) != s:
		return fmt.Sprintf("%s, got %q: write it in lower case", want, s)
	case (u.Scheme == "https" && u.Port() == "443") || (u.Scheme == "http" && u.Port() == "80"):
		return fmt.Sprintf("%s, got %q: drop the default port, which browsers leave out", want, s)
	}
	return ""
}

// impacts reads the impact choices: a mapping, in the order shown, from
// each choice's name to its priority, or to {priority, label}.
func (p *parser) impacts(n *yaml.Node, path string) []Impact {
	if isNull(n) {
		return nil // "impact:" with nothing after it: the defaults
	}
	out := []Impact{}
	p.entries(n, path, func(k, v *yaml.Node, path string) {
		im := Impact{Name: k.Value, Label: k.Value}
		if !namePattern.MatchString(im.Name) {
			p.errorf(k, path, "want an impact name of 1 to 63 of a-z, 0-9, - and _ (it is the value the page posts), got %q", im.Name)
		}
		if v.Kind == yaml.MappingNode {
			var prio *yaml.Node
			p.fields(v, path, map[string]func(*yaml.Node, string){
				"priority": func(v *yaml.Node, _ string) { prio = v },
				"label":    func(v *yaml.Node, path string) { im.Label = p.text(v, path, MaxFormTitle) },
			})
			if prio == nil {
				p.errorf(v, path, "missing priority; set it, e.g. {priority: P3, label: \"It slows my work down\"}")
				return
			}
			v, path = prio, path+".priority"
		}
		im.Priority = p.priority(v, path)
		out = append(out, im)
	})
	if n.Kind == yaml.MappingNode && len(n.Content) == 0 {
		p.errorf(n, path, "no impact choices; list some, or leave impact out for low, medium and high")
	}
	return out
}

// hasForm reports whether a form is called name: a route's integration
// match may name a form, whose tickets carry its name as their integration.
func (c *Config) hasForm(name string) bool {
	_, ok := c.Form(name)
	return ok
}
