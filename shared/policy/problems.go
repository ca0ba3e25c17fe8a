package policy

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tierline/tierline/shared/ticket"
)

// Problems configures problem records (ITIL problem management): when the
// same key produces its After-th ticket within Within, tierline opens one
// problem ticket at Tier with Priority, so that a recurring incident is
// fixed at its root by the tier that can, instead of being worked again
// and again at L1. Off (the zero value) when the config has no problems
// block.
//
//	problems: {after: 3, within: 7d, tier: L2, priority: P3}
type Problems struct {
	After    int           // tickets of one key that make a problem
	Within   time.Duration // the window they must fall in
	Tier     ticket.Tier
	Priority ticket.Priority
}

// Defaults of the problems block's optional fields.
const (
	DefaultProblemsAfter  = 3
	DefaultProblemsWithin = 7 * 24 * time.Hour
	DefaultProblemsTier   = ticket.L2
	DefaultProblemsPrio   = ticket.P3
	// MaxProblemsWithin bounds the window: the key index keeps each
	// ticket for as long as the window, and tickets are kept 90 days.
	MaxProblemsWithin = 90 * 24 * time.Hour
	// MaxProblemsAfter bounds how many tickets a key must produce: a
	// problem's hand-off lists them all.
	MaxProblemsAfter = 100
)

// Enabled reports whether problem records are on.
func (p Problems) Enabled() bool { return p.After > 0 }

// problemRecords reads the problems block.
func (p *parser) problemRecords(n *yaml.Node, path string) Problems {
	out := Problems{After: DefaultProblemsAfter, Within: DefaultProblemsWithin, Tier: DefaultProblemsTier, Priority: DefaultProblemsPrio}
	if isNull(n) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "want a mapping such as {after: 3, within: 7d, tier: L2, priority: P3}, got %s", kindName(n))
		return Problems{}
	}
	p.fields(n, path, map[string]func(*yaml.Node, string){
		"after": func(v *yaml.Node, path string) {
			if k := p.integer(v, path, 2, MaxProblemsAfter); k != 0 {
				out.After = k
			}
		},
		"within": func(v *yaml.Node, path string) {
			d := p.duration(v, path)
			if d > MaxProblemsWithin {
				p.errorf(v, path, "want at most 90d, got %s: tickets are kept 90 days, so an older one cannot be counted", v.Value)
				return
			}
			if d != 0 {
				out.Within = d
			}
		},
		"tier": func(v *yaml.Node, path string) {
			if t := p.tier(v, path); t.Valid() {
				out.Tier = t
			}
		},
		"priority": func(v *yaml.Node, path string) {
			if pr := p.priority(v, path); pr.Valid() {
				out.Priority = pr
			}
		},
	})
	return out
}
