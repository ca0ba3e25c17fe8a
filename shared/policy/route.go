package policy

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tierline/tierline/shared/ticket"
)

// Route places matching signals: the first route whose match fits a signal
// decides its tier, priority and escalation policy.
type Route struct {
	Match    Match
	Tier     ticket.Tier
	Priority ticket.Priority // zero: from the signal's priority or severity
	Policy   string
}

// Match is a route's condition. Every field that is set must fit; a list
// fits when any of its values does; strings compare without regard to case.
type Match struct {
	Integration []string
	Severity    []string
	Priority    []ticket.Priority
	Source      []string
	Category    []string
	Text        string            // a substring of the title or description
	Labels      map[string]string // every label must be present with this value
}

// Route places a signal from integration: the first matching route wins, and
// a signal no route matches goes to L1 under the default policy.
func (c *Config) Route(integration string, s ticket.Signal) ticket.Placement {
	r := Route{Tier: ticket.L1, Policy: DefaultPolicy}
	for _, candidate := range c.Routes {
		if candidate.Match.fits(integration, s) {
			r = candidate
			break
		}
	}
	return ticket.Placement{Tier: r.Tier, Priority: r.Priority, Policy: r.Policy, Deadlines: c.Deadlines(r.Policy, r.Tier)}
}

func (m Match) fits(integration string, s ticket.Signal) bool {
	if !anyFold(m.Integration, integration) || !anyFold(m.Severity, s.Severity) ||
		!anyFold(m.Source, s.Source) || !anyFold(m.Category, s.Category) {
		return false
	}
	if len(m.Priority) > 0 {
		prio := s.Priority
		if prio == 0 {
			prio = ticket.PriorityForSeverity(s.Severity)
		}
		found := false
		for _, want := range m.Priority {
			found = found || want == prio
		}
		if !found {
			return false
		}
	}
	if m.Text != "" {
		text := strings.ToLower(m.Text)
		if !strings.Contains(strings.ToLower(s.Title), text) && !strings.Contains(strings.ToLower(s.Description), text) {
			return false
		}
	}
	for k, want := range m.Labels {
		if got, ok := s.Labels[k]; !ok || !strings.EqualFold(got, want) {
			return false
		}
	}
	return true
}

// anyFold reports whether v equals one of wants, or wants is empty.
func anyFold(wants []string, v string) bool {
	if len(wants) == 0 {
		return true
	}
	for _, w := range wants {
		if strings.EqualFold(w, v) {
			return true
		}
	}
	return false
}

func (p *parser) route(n *yaml.Node, path string) Route {
	r := Route{Tier: ticket.L1, Policy: DefaultPolicy}
	tierAt, policyAt := n, n
	policyOK := true
	if !p.fields(n, path, map[string]func(*yaml.Node, string){
		"match":    func(v *yaml.Node, path string) { r.Match = p.match(v, path) },
		"tier":     func(v *yaml.Node, path string) { tierAt, r.Tier = v, p.tier(v, path) },
		"priority": func(v *yaml.Node, path string) { r.Priority = p.priority(v, path) },
		"policy":   func(v *yaml.Node, path string) { r.Policy, policyAt, policyOK = p.given(n, v, path) },
	}) || !policyOK {
		return r
	}
	p.checks = append(p.checks, func(c *Config) {
		pol, ok := c.Policies[r.Policy]
		if !ok {
			p.errorf(policyAt, path+".policy", "no policy named %q; define it under policies or fix the name", r.Policy)
			return
		}
		if _, ok := pol.Tiers[r.Tier]; !ok && r.Tier.Valid() {
			p.errorf(tierAt, path+".tier", "policy %q has no %s deadlines; add them or route to another tier", r.Policy, r.Tier)
		}
	})
	return r
}

func (p *parser) match(n *yaml.Node, path string) Match {
	var m Match
	p.fields(n, path, map[string]func(*yaml.Node, string){
		"integration": func(v *yaml.Node, path string) {
			p.oneOrMore(v, path, func(v *yaml.Node, path string) {
				name, _, ok := p.given(n, v, path)
				m.Integration = append(m.Integration, name)
				if !ok {
					return
				}
				p.checks = append(p.checks, func(c *Config) {
					if _, ok := c.Integration(name); !ok && !c.hasForm(name) {
						p.errorf(v, path, "no integration named %q; define it under integrations or fix the name", name)
					}
				})
			})
		},
		"severity": func(v *yaml.Node, path string) { m.Severity = p.strs(v, path) },
		"source":   func(v *yaml.Node, path string) { m.Source = p.strs(v, path) },
		"category": func(v *yaml.Node, path string) { m.Category = p.strs(v, path) },
		"text":     func(v *yaml.Node, path string) { m.Text = p.str(v, path) },
		"labels":   func(v *yaml.Node, path string) { m.Labels = p.strMap(v, path) },
		"priority": func(v *yaml.Node, path string) {
			p.oneOrMore(v, path, func(v *yaml.Node, path string) { m.Priority = append(m.Priority, p.priority(v, path)) })
		},
	})
	return m
}
