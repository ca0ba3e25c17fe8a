package policy

import (
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tierline/tierline/shared/ticket"
)

// DefaultPolicy is the policy of tickets no route gives another one.
const DefaultPolicy = "default"

// Policy is an escalation policy: the deadlines of each tier it covers. A
// ticket escalates to the next tier the policy covers; at the policy's top
// tier a missed deadline pages that tier again, Repeat times.
type Policy struct {
	Name  string
	Tiers map[ticket.Tier]TierPolicy
}

// TierPolicy is one tier's deadlines under a policy.
type TierPolicy struct {
	ticket.Deadlines
	Repeat int // top tier only: how often to page again after a missed deadline
}

// builtinPolicy is the default policy the README documents, used when a config
// defines none called "default".
func builtinPolicy() Policy {
	return Policy{Name: DefaultPolicy, Tiers: map[ticket.Tier]TierPolicy{
		ticket.L1: {Deadlines: ticket.Deadlines{Acknowledge: 15 * time.Minute, Resolve: 4 * time.Hour}},
		ticket.L2: {Deadlines: ticket.Deadlines{Acknowledge: 30 * time.Minute, Resolve: 8 * time.Hour}},
		ticket.L3: {Deadlines: ticket.Deadlines{Acknowledge: time.Hour, Resolve: 24 * time.Hour}, Repeat: 3},
	}}
}

// Top returns the highest tier the policy covers.
func (p Policy) Top() ticket.Tier {
	var top ticket.Tier
	for t := range p.Tiers {
		top = max(top, t)
	}
	return top
}

// Above returns the lowest tier above t that the policy covers, and false
// when t is at or above its top.
func (p Policy) Above(t ticket.Tier) (ticket.Tier, bool) {
	for next, ok := t.Next(); ok; next, ok = next.Next() {
		if _, covered := p.Tiers[next]; covered {
			return next, true
		}
	}
	return t, false
}

// Policy returns the policy called name. A ticket whose policy has since
// left the config falls back to the default policy, so it keeps escalating.
func (c *Config) Policy(name string) Policy {
	if p, ok := c.Policies[name]; ok {
		return p
	}
	return c.Policies[DefaultPolicy]
}

// Tier returns the deadlines of tier under the policy called name. A tier
// the policy does not cover (a ticket escalated by hand beyond it, or a
// config that changed) borrows the default policy's, then the built-in ones.
func (c *Config) Tier(name string, tier ticket.Tier) TierPolicy {
	if tp, ok := c.Policy(name).Tiers[tier]; ok {
		return tp
	}
	if tp, ok := c.Policies[DefaultPolicy].Tiers[tier]; ok {
		return tp
	}
	return builtinPolicy().Tiers[tier]
}

// Deadlines returns the deadlines of tier under the policy called name.
func (c *Config) Deadlines(name string, tier ticket.Tier) ticket.Deadlines {
	return c.Tier(name, tier).Deadlines
}

func (p *parser) policy(name string, n *yaml.Node, path string) Policy {
	pol := Policy{Name: name, Tiers: map[ticket.Tier]TierPolicy{}}
	type at struct {
		node *yaml.Node
		path string
	}
	repeats := map[ticket.Tier]at{}
	p.entries(n, path, func(k, v *yaml.Node, path string) {
		tier := p.tier(k, path)
		if _, dup := pol.Tiers[tier]; dup && tier.Valid() {
			p.errorf(k, path, "%s is set twice in policy %q; keep one", tier, name)
			return
		}
		var tp TierPolicy
		var ack, res bool
		mapping := p.fields(v, path, map[string]func(*yaml.Node, string){
			"acknowledge": func(v *yaml.Node, path string) { ack, tp.Acknowledge = true, p.duration(v, path) },
			"resolve":     func(v *yaml.Node, path string) { res, tp.Resolve = true, p.duration(v, path) },
			"repeat": func(v *yaml.Node, path string) {
				repeats[tier] = at{v, path}
				tp.Repeat = p.integer(v, path, 0, 20)
			},
		})
		var missing []string
		if !ack {
			missing = append(missing, "acknowledge")
		}
		if !res {
			missing = append(missing, "resolve")
		}
		if mapping && len(missing) > 0 {
			p.errorf(v, path, "missing %s; set both, e.g. {acknowledge: 15m, resolve: 4h}", strings.Join(missing, " and "))
		}
		if tier.Valid() {
			pol.Tiers[tier] = tp // even when broken, so that routes to it do not add a second problem
		}
	})
	if n.Kind == yaml.MappingNode && len(n.Content) == 0 {
		p.errorf(n, path, "policy %q covers no tier; give it at least L1, e.g. {L1: {acknowledge: 15m, resolve: 4h}}", name)
	}
	top := pol.Top()
	for _, t := range ticket.Tiers {
		if r, ok := repeats[t]; ok && pol.Tiers[t].Repeat > 0 && t != top {
			p.errorf(r.node, r.path, "repeat applies only at the policy's top tier, %s; move it there", top)
		}
	}
	return pol
}
