package policy_test

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// routeConfig is the config around the routes under test: three
// integrations, the built-in default policy and two of its own.
const routeConfig = `integrations:
  - {name: prometheus, kind: generic, token: a}
  - {name: grafana, kind: generic, token: b}
  - {name: it-forms, kind: generic, token: c}
policies:
  fast:
    L1: {acknowledge: 1m, resolve: 10m}
    L2: {acknowledge: 2m, resolve: 20m}
  urgent:
    L2: {acknowledge: 5m, resolve: 1h}
    L3: {acknowledge: 10m, resolve: 2h, repeat: 1}
routes:
`

// The deadlines the placements under test carry.
var (
	defaultL1 = ticket.Deadlines{Acknowledge: 15 * time.Minute, Resolve: 4 * time.Hour}
	defaultL2 = ticket.Deadlines{Acknowledge: 30 * time.Minute, Resolve: 8 * time.Hour}
	defaultL3 = ticket.Deadlines{Acknowledge: time.Hour, Resolve: 24 * time.Hour}
	fastL2    = ticket.Deadlines{Acknowledge: 2 * time.Minute, Resolve: 20 * time.Minute}
	urgentL3  = ticket.Deadlines{Acknowledge: 10 * time.Minute, Resolve: 2 * time.Hour}
)

// unrouted is where a signal no route matches goes.
var unrouted = ticket.Placement{Tier: ticket.L1, Policy: policy.DefaultPolicy, Deadlines: defaultL1}

// matched is the placement of the route "{tier: L2, priority: P1, policy: fast}" the cases use.
var matched = ticket.Placement{Tier: ticket.L2, Priority: ticket.P1, Policy: "fast", Deadlines: fastL2}

// alert returns the signal the cases start from: a critical disk alert.
func alert() ticket.Signal {
	return ticket.Signal{
		Action:      ticket.Trigger,
		Title:       "Disk full on db1",
		Description: "/var/lib/postgresql is at 97%",
		Severity:    "critical",
		Source:      "db1",
		Labels:      map[string]string{"team": "dba", "env": "prod", "region": "eu-west-1"},
	}
}

// TestConfig_Route checks that each match field, alone and together, places
// a signal, and that the first matching route wins.
func TestConfig_Route(t *testing.T) {
	t.Parallel()
	const to = "tier: L2, priority: P1, policy: fast"
	tests := []struct {
		name        string
		routes      string // the list under routes:, one route a line
		integration string // defaults to prometheus
		signal      func(*ticket.Signal)
		want        ticket.Placement
	}{
		// Ensure a config without routes places every signal at L1 under the default policy.
		{name: "no_routes", routes: "  []", want: unrouted},
		// Ensure a signal no route matches goes to L1 under the default policy.
		{name: "no_match", routes: "  - {match: {severity: warning}, " + to + "}", want: unrouted},
		// Ensure an empty match matches every signal.
		{name: "empty_match", routes: "  - {match: {}, " + to + "}", want: matched},
		// Ensure a route without match matches every signal.
		{name: "no_match_field", routes: "  - {" + to + "}", want: matched},
		// Ensure the first matching route wins over a later one that also matches.
		{name: "first_match_wins", routes: "  - {match: {severity: critical}, " + to + "}\n  - {match: {source: db1}, tier: L3}",
			want: matched},
		// Ensure a later route places a signal the earlier ones do not match.
		{name: "later_route", routes: "  - {match: {severity: warning}, tier: L3}\n  - {match: {source: db1}, " + to + "}",
			want: matched},
		// Ensure a route without tier, priority or policy places at L1 under the default, priority unset.
		{name: "route_defaults", routes: "  - {match: {severity: critical}}", want: unrouted},
		// Ensure a route without priority leaves it zero, for the signal's own to apply.
		{name: "route_without_priority", routes: "  - {match: {severity: critical}, tier: L2, policy: fast}",
			want: ticket.Placement{Tier: ticket.L2, Policy: "fast", Deadlines: fastL2}},
		// Ensure the placement carries the deadlines of the route's policy at its tier.
		{name: "policy_tier_deadlines", routes: "  - {match: {severity: critical}, tier: L3, priority: P2, policy: urgent}",
			want: ticket.Placement{Tier: ticket.L3, Priority: ticket.P2, Policy: "urgent", Deadlines: urgentL3}},
		// Ensure a route to L3 under the default policy carries the built-in L3 deadlines.
		{name: "default_policy_l3", routes: "  - {match: {severity: critical}, tier: L3}",
			want: ticket.Placement{Tier: ticket.L3, Policy: policy.DefaultPolicy, Deadlines: defaultL3}},
		// Ensure a route to L2 under the default policy carries the built-in L2 deadlines.
		{name: "default_policy_l2", routes: "  - {match: {severity: critical}, tier: L2, priority: P3}",
			want: ticket.Placement{Tier: ticket.L2, Priority: ticket.P3, Policy: policy.DefaultPolicy, Deadlines: defaultL2}},

		// Ensure integration matches the integration the signal came through.
		{name: "integration", routes: "  - {match: {integration: prometheus}, " + to + "}", want: matched},
		// Ensure another integration does not match.
		{name: "integration_other", routes: "  - {match: {integration: grafana}, " + to + "}", want: unrouted},
		// Ensure a list of integrations matches any of them.
		{name: "integration_list", routes: "  - {match: {integration: [grafana, it-forms]}, " + to + "}",
			integration: "it-forms", want: matched},

		// Ensure severity matches without regard to case.
		{name: "severity_case", routes: "  - {match: {severity: CRITICAL}, " + to + "}", want: matched},
		// Ensure a list of severities matches any of them.
		{name: "severity_list", routes: "  - {match: {severity: [warning, critical]}, " + to + "}", want: matched},
		// Ensure severity is compared whole, not as a substring.
		{name: "severity_substring", routes: "  - {match: {severity: crit}, " + to + "}", want: unrouted},
		// Ensure a severity route does not match a signal without severity.
		{name: "severity_absent", routes: "  - {match: {severity: critical}, " + to + "}",
			signal: func(s *ticket.Signal) { s.Severity = "" }, want: unrouted},

		// Ensure priority matches the signal's own priority.
		{name: "priority_own", routes: "  - {match: {priority: P2}, " + to + "}",
			signal: func(s *ticket.Signal) { s.Priority = ticket.P2 }, want: matched},
		// Ensure a signal without priority matches by the priority of its severity.
		{name: "priority_from_severity", routes: "  - {match: {priority: P2}, " + to + "}",
			signal: func(s *ticket.Signal) { s.Severity = "error" }, want: matched},
		// Ensure a signal's own priority wins over its severity's.
		{name: "priority_own_over_severity", routes: "  - {match: {priority: P1}, " + to + "}",
			signal: func(s *ticket.Signal) { s.Priority = ticket.P4 }, want: unrouted},
		// Ensure a signal with neither priority nor severity counts as P3.
		{name: "priority_default_p3", routes: "  - {match: {priority: P3}, " + to + "}",
			signal: func(s *ticket.Signal) { s.Severity = "" }, want: matched},
		// Ensure a list of priorities matches any of them.
		{name: "priority_list", routes: "  - {match: {priority: [P1, P2]}, " + to + "}", want: matched},
		// Ensure a priority outside the list does not match.
		{name: "priority_list_miss", routes: "  - {match: {priority: [P4, P5]}, " + to + "}", want: unrouted},

		// Ensure source matches without regard to case.
		{name: "source_case", routes: "  - {match: {source: DB1}, " + to + "}", want: matched},
		// Ensure source is compared whole: db1 is not db10.
		{name: "source_whole", routes: "  - {match: {source: db1}, " + to + "}",
			signal: func(s *ticket.Signal) { s.Source = "db10" }, want: unrouted},
		// Ensure a list of sources matches any of them.
		{name: "source_list", routes: "  - {match: {source: [db2, db1]}, " + to + "}", want: matched},

		// Ensure category matches a form's category without regard to case.
		{name: "category", routes: "  - {match: {category: password}, " + to + "}", integration: "it-forms",
			signal: func(s *ticket.Signal) { s.Category = "Password" }, want: matched},
		// Ensure a category route does not match an alert without category.
		{name: "category_absent", routes: "  - {match: {category: password}, " + to + "}", want: unrouted},
		// Ensure a list of categories matches any of them.
		{name: "category_list", routes: "  - {match: {category: [hardware, network]}, " + to + "}",
			signal: func(s *ticket.Signal) { s.Category = "network" }, want: matched},

		// Ensure text matches a substring of the title without regard to case.
		{name: "text_title", routes: "  - {match: {text: DISK FULL}, " + to + "}", want: matched},
		// Ensure text matches a substring of the description.
		{name: "text_description", routes: "  - {match: {text: postgresql}, " + to + "}", want: matched},
		// Ensure text found in neither title nor description does not match.
		{name: "text_miss", routes: "  - {match: {text: memory}, " + to + "}", want: unrouted},
		// Ensure text is not looked for in the source or labels.
		{name: "text_not_source_or_labels", routes: "  - {match: {text: eu-west}, " + to + "}", want: unrouted},

		// Ensure one label with the same value matches, other labels notwithstanding.
		{name: "label", routes: "  - {match: {labels: {team: dba}}, " + to + "}", want: matched},
		// Ensure every label must be present.
		{name: "labels_all_required", routes: "  - {match: {labels: {team: dba, service: billing}}, " + to + "}", want: unrouted},
		// Ensure every label must have its value.
		{name: "label_other_value", routes: "  - {match: {labels: {team: dba, env: staging}}, " + to + "}", want: unrouted},
		// Ensure all labels with their values match.
		{name: "labels_all_present", routes: "  - {match: {labels: {team: dba, env: prod}}, " + to + "}", want: matched},
		// Ensure label values compare without regard to case, like every match string.
		{name: "label_value_case", routes: "  - {match: {labels: {env: PROD}}, " + to + "}", want: matched},
		// Ensure label names compare exactly.
		{name: "label_name_case", routes: "  - {match: {labels: {Env: prod}}, " + to + "}", want: unrouted},
		// Ensure a label route does not match a signal without labels.
		{name: "labels_absent", routes: "  - {match: {labels: {team: dba}}, " + to + "}",
			signal: func(s *ticket.Signal) { s.Labels = nil }, want: unrouted},

		// Ensure every field of a match must fit: all of them fitting matches.
		{name: "combined_all_fit", routes: "  - {match: {integration: prometheus, severity: critical, priority: P1, source: db1, text: disk, labels: {team: dba}}, " + to + "}",
			want: matched},
		// Ensure one field that does not fit is enough to miss.
		{name: "combined_one_misses", routes: "  - {match: {integration: prometheus, severity: critical, source: db2}, " + to + "}",
			want: unrouted},
		// Ensure a miss on one route falls through to the next that fits.
		{name: "combined_falls_through", routes: "  - {match: {severity: critical, labels: {team: web}}, tier: L3}\n  - {match: {severity: critical, labels: {team: dba}}, " + to + "}",
			want: matched},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := MustParse(t, routeConfig+tt.routes+"\n")
			s := alert()
			if tt.signal != nil {
				tt.signal(&s)
			}
			integration := tt.integration
			if integration == "" {
				integration = "prometheus"
			}
			if got := c.Route(integration, s); got != tt.want {
				t.Errorf("Route=%+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestParse_routeProblems checks routes that point at nothing.
func TestParse_routeProblems(t *testing.T) {
	t.Parallel()
	runProblemTests(t, []problemTest{
		// Ensure a route to an undefined policy is refused on the policy's line.
		{name: "undefined_policy", src: "routes:\n  - match: {severity: critical}\n    tier: L2\n    policy: urgent\n", want: []string{
			`test.yaml:4: routes[0].policy: no policy named "urgent"; define it under policies or fix the name`}},
		// Ensure a route to a tier its policy does not cover is refused on the tier's line.
		{name: "tier_not_in_policy", src: `policies:
  fast: {L1: {acknowledge: 1m, resolve: 10m}}
routes:
  - match: {severity: critical}
    tier: L3
    policy: fast
`, want: []string{
			`test.yaml:5: routes[0].tier: policy "fast" has no L3 deadlines; add them or route to another tier`}},
		// Ensure a route with no tier is checked as L1, on the route's line.
		{name: "default_tier_not_in_policy", src: `policies:
  late: {L2: {acknowledge: 1m, resolve: 10m}}
routes:
  - {match: {severity: critical}, policy: late}
`, want: []string{
			`test.yaml:4: routes[0].tier: policy "late" has no L1 deadlines; add them or route to another tier`}},
		// Ensure a user default without L3 refuses a route to L3 under it.
		{name: "tier_not_in_user_default", src: `policies:
  default: {L1: {acknowledge: 1m, resolve: 10m}}
routes:
  - {tier: L3}
`, want: []string{
			`test.yaml:4: routes[0].tier: policy "default" has no L3 deadlines; add them or route to another tier`}},
		// Ensure a route matching an unknown integration is refused.
		{name: "unknown_integration", src: `integrations:
  - {name: prometheus, kind: generic, token: a}
routes:
  - match: {integration: promethous}
`, want: []string{
			`test.yaml:4: routes[0].match.integration: no integration named "promethous"; define it under integrations or fix the name`}},
		// Ensure each unknown integration of a list is named by its element.
		{name: "unknown_integration_in_list", src: `integrations:
  - {name: prometheus, kind: generic, token: a}
routes:
  - match:
      integration:
        - prometheus
        - grafana
`, want: []string{
			`test.yaml:7: routes[0].match.integration[1]: no integration named "grafana"; define it under integrations or fix the name`}},
		// Ensure a route with an undefined policy still has its other references checked.
		{name: "undefined_policy_and_integration", src: "routes:\n  - match: {integration: nagios}\n    policy: nope\n", want: []string{
			`test.yaml:2: routes[0].match.integration: no integration named "nagios"; define it under integrations or fix the name`,
			`test.yaml:3: routes[0].policy: no policy named "nope"; define it under policies or fix the name`}},
		// Ensure an integration name of the wrong kind is refused once, without a lookup.
		{name: "integration_not_string", src: "routes:\n  - match: {integration: [[prometheus]]}\n", want: []string{
			`test.yaml:2: routes[0].match.integration[0]: want a string, got a list`}},
		// Ensure a policy of the wrong kind is refused once.
		{name: "policy_list", src: "routes:\n  - {policy: [fast]}\n", want: []string{
			`test.yaml:2: routes[0].policy: want a string, got a list`}},
	})
}

// TestParse_routeToLaterPolicy checks that a route may name a policy defined
// further down the file.
func TestParse_routeToLaterPolicy(t *testing.T) {
	t.Parallel()
	c := MustParse(t, `routes:
  - {match: {severity: critical}, tier: L2, policy: night}
policies:
  night: {L2: {acknowledge: 1h, resolve: 12h}}
`)
	// Ensure the route places with the later policy's deadlines.
	want := ticket.Placement{Tier: ticket.L2, Policy: "night", Deadlines: ticket.Deadlines{Acknowledge: time.Hour, Resolve: 12 * time.Hour}}
	if got := c.Route("any", alert()); got != want {
		t.Errorf("Route=%+v, want %+v", got, want)
	}
}
