package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// TestParse_notAConfig checks files that are not a config at all.
func TestParse_notAConfig(t *testing.T) {
	t.Parallel()
	const fix = "; check the indentation (spaces, not tabs) and the quoting"
	runProblemTests(t, []problemTest{
		// Ensure broken YAML names its line and what the YAML library found.
		{name: "bad_indentation", src: "base_url: https://tierline.example\nroutes: critical\n  tier: L2\n", want: []string{
			"test.yaml:3: not valid YAML: mapping values are not allowed in this context" + fix}},
		// Ensure a tab in the indentation, the classic mistake, names its line.
		{name: "tab_indentation", src: "base_url: https://tierline.example\n\tpolicies: {}\n", want: []string{
			"test.yaml:2: not valid YAML: found a tab character that violates indentation" + fix}},
		// Ensure an error on the first line, which the YAML library leaves unnumbered, is line 1.
		{name: "first_line", src: "routes: [\n", want: []string{
			"test.yaml:1: not valid YAML: did not find expected node content" + fix}},
		// Ensure an unterminated string is reported on the line that opens it.
		{name: "unterminated_string", src: "base_url: https://tierline.example\npolicies: \"oops\n", want: []string{
			"test.yaml:2: not valid YAML: found unexpected end of stream" + fix}},
		// Ensure text that happens to be valid YAML but not a mapping is refused.
		{name: "plain_text", src: "hello, tierline", want: []string{
			`test.yaml:1: want a mapping of fields, got "hello, tierline"`}},
		// Ensure a list at the top is refused.
		{name: "top_level_list", src: "- integrations\n- routes\n", want: []string{
			`test.yaml:1: want a mapping of fields, got a list`}},
		// Ensure an empty file asks for a starting config rather than failing on EOF.
		{name: "empty_file", src: "", want: []string{
			"test.yaml:1: the file is empty; see the README for a starting config"}},
		// Ensure a file of only comments and blank lines is empty too.
		{name: "only_comments", src: "# tierline config\n\n# TODO\n", want: []string{
			"test.yaml:1: the file is empty; see the README for a starting config"}},
		// Ensure a lone document marker is empty too.
		{name: "only_document_marker", src: "---\n", want: []string{
			"test.yaml:1: the file is empty; see the README for a starting config"}},
		// Ensure a broken second document is reported, not silently ignored.
		{name: "second_document_broken", src: "base_url: https://tierline.example\n---\nroutes: [\n", want: []string{
			"test.yaml:3: a second YAML document (after ---); a config is one document, so merge or remove it"}},
		// Ensure a second document is not silently ignored.
		{name: "second_document", src: "base_url: https://tierline.example\n---\nroutes: []\n", want: []string{
			"test.yaml:2: a second YAML document (after ---); a config is one document, so merge or remove it"}},
	})
}

// TestParse_fieldProblems checks the walker's own problems: unknown and
// repeated fields, and values of the wrong kind.
func TestParse_fieldProblems(t *testing.T) {
	t.Parallel()
	const top = "(known fields: action_links, api_keys, base_url, channels, forms, forms_secret, forms_secret_env, integrations, policies, problems, routes)"
	runProblemTests(t, []problemTest{
		// Ensure an unknown top-level field lists the known ones.
		{name: "unknown_top_level", src: "base_url: https://tierline.example\nescalation: {}\n", want: []string{
			`test.yaml:2: unknown field "escalation" ` + top}},
		// Ensure a misspelt field is caught, not ignored.
		{name: "misspelt_top_level", src: "integration: []\n", want: []string{
			`test.yaml:1: unknown field "integration" ` + top}},
		// Ensure an unknown field of an integration names its item and lists the known fields.
		{name: "unknown_integration_field", src: `integrations:
  - name: prometheus
    kind: generic
    token: t
    secret: t
`, want: []string{
			`test.yaml:5: integrations[0]: unknown field "secret" (known fields: grouping, hmac, insufficient_data, kind, mapping, name, token, token_sha256, topics)`}},
		// Ensure an unknown field of a route lists the known fields.
		{name: "unknown_route_field", src: "routes:\n  - {tier: L2, queue: l2}\n", want: []string{
			`test.yaml:2: routes[0]: unknown field "queue" (known fields: match, policy, priority, tier)`}},
		// Ensure an unknown match field lists the known ones.
		{name: "unknown_match_field", src: "routes:\n  - match: {severity: critical, host: db1}\n", want: []string{
			`test.yaml:2: routes[0].match: unknown field "host" (known fields: category, integration, labels, priority, severity, source, text)`}},
		// Ensure an unknown field of a policy tier lists the known ones.
		{name: "unknown_policy_tier_field", src: `policies:
  default:
    L1: {acknowledge: 15m, resolve: 4h, escalate: 30m}
`, want: []string{
			`test.yaml:3: policies.default.L1: unknown field "escalate" (known fields: acknowledge, repeat, resolve)`}},
		// Ensure an unknown channel field lists the known ones.
		{name: "unknown_channel_field", src: "channels:\n  L1: [{kind: log, level: info}]\n", want: []string{
			`test.yaml:2: channels.L1[0]: unknown field "level" (known fields: headers, kind, name, topic_arn, url)`}},
		// Ensure an unknown api key field lists the known ones.
		{name: "unknown_api_key_field", src: "api_keys:\n  - {name: ops, key: k, role: admin}\n", want: []string{
			`test.yaml:2: api_keys[0]: unknown field "role" (known fields: key, name, sha256)`}},
		// Ensure a field given twice is refused instead of the first being lost.
		{name: "top_level_field_twice", src: "base_url: https://a.example\nroutes: []\nbase_url: https://b.example\n", want: []string{
			`test.yaml:3: base_url: set twice (first on line 1); keep one`}},
		// Ensure a nested field given twice is refused.
		{name: "nested_field_twice", src: `policies:
  default:
    L1:
      acknowledge: 15m
      resolve: 4h
      acknowledge: 5m
`, want: []string{
			`test.yaml:6: policies.default.L1.acknowledge: set twice (first on line 4); keep one`}},
		// Ensure a policy defined twice is refused instead of the first being lost.
		{name: "policy_twice", src: `policies:
  fast: {L1: {acknowledge: 1m, resolve: 1h}}
  fast: {L1: {acknowledge: 2m, resolve: 2h}}
`, want: []string{
			`test.yaml:3: policies.fast: set twice (first on line 2); keep one`}},
		// Ensure a label given twice in a match is refused.
		{name: "label_twice", src: "routes:\n  - match: {labels: {env: prod, env: dev}}\n", want: []string{
			`test.yaml:2: routes[0].match.labels.env: set twice (first on line 2); keep one`}},
		// Ensure a mapping where a list is wanted is refused.
		{name: "integrations_mapping", src: "integrations:\n  prometheus: {kind: generic}\n", want: []string{
			`test.yaml:2: integrations: want a list, got a mapping`}},
		// Ensure a scalar where a list is wanted is refused.
		{name: "routes_scalar", src: "routes: critical\n", want: []string{
			`test.yaml:1: routes: want a list, got "critical"`}},
		// Ensure a list where a mapping is wanted is refused.
		{name: "policies_list", src: "policies:\n  - default\n", want: []string{
			`test.yaml:2: policies: want a mapping, got a list`}},
		// Ensure a list item that is not a mapping is refused once, without complaints about its fields.
		{name: "integration_scalar_item", src: "integrations:\n  - prometheus\n", want: []string{
			`test.yaml:2: integrations[0]: want a mapping of fields, got "prometheus"`}},
		// Ensure an api key that is not a mapping is refused once.
		{name: "api_key_scalar_item", src: "api_keys:\n  - ops\n", want: []string{
			`test.yaml:2: api_keys[0]: want a mapping of fields, got "ops"`}},
		// Ensure a channel that is not a mapping is refused once.
		{name: "channel_scalar_item", src: "channels:\n  L1: [log]\n", want: []string{
			`test.yaml:2: channels.L1[0]: want a mapping of fields, got "log"`}},
		// Ensure a route item that is a list is refused.
		{name: "route_list_item", src: "routes:\n  - [L1, P1]\n", want: []string{
			`test.yaml:2: routes[0]: want a mapping of fields, got a list`}},
		// Ensure a mapping where a string is wanted is refused.
		{name: "match_text_mapping", src: "routes:\n  - match: {text: {contains: disk}}\n", want: []string{
			`test.yaml:2: routes[0].match.text: want a string, got a mapping`}},
		// Ensure a nested list where strings are wanted is refused per element.
		{name: "match_severity_nested_list", src: "routes:\n  - match:\n      severity: [critical, [high]]\n", want: []string{
			`test.yaml:3: routes[0].match.severity[1]: want a string, got a list`}},
		// Ensure a label value that is not a string is refused.
		{name: "label_value_list", src: "routes:\n  - match:\n      labels: {env: [prod]}\n", want: []string{
			`test.yaml:3: routes[0].match.labels.env: want a string, got a list`}},
		// Ensure an alias is refused rather than followed.
		{name: "alias", src: "routes:\n  - &r {tier: L2}\n  - match: *r\n", want: []string{
			`test.yaml:3: routes[1].match: want a mapping of fields, got an alias`}},
	})
}

// TestParse_durations checks the durations of policies.
func TestParse_durations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ack  string
		want time.Duration
	}{
		// Ensure seconds work, so a test config escalates in seconds.
		{name: "seconds", ack: "2s", want: 2 * time.Second},
		// Ensure 90s is 90 seconds, not rounded.
		{name: "ninety_seconds", ack: "90s", want: 90 * time.Second},
		// Ensure minutes work.
		{name: "minutes", ack: "15m", want: 15 * time.Minute},
		// Ensure compound Go durations work.
		{name: "hours_minutes", ack: "4h30m", want: 4*time.Hour + 30*time.Minute},
		// Ensure whole days are accepted as 24 hours each.
		{name: "days", ack: "2d", want: 48 * time.Hour},
		// Ensure surrounding spaces in a quoted value do not matter.
		{name: "spaces", ack: `" 15m "`, want: 15 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := MustParse(t, "policies:\n  default:\n    L1: {acknowledge: "+tt.ack+", resolve: 30d}\n")
			if got := c.Policies["default"].Tiers[ticket.L1].Acknowledge; got != tt.want {
				t.Errorf("Acknowledge=%v, want %v", got, tt.want)
			}
		})
	}
}

// TestParse_durationProblems checks durations that are refused.
func TestParse_durationProblems(t *testing.T) {
	t.Parallel()
	const want = "want a positive duration such as 90s, 15m, 4h or 2d, got "
	bad := []struct{ name, value, got string }{
		// Ensure a number without a unit is refused, not read as nanoseconds.
		{"no_unit", "15", `"15"`},
		// Ensure a negative duration is refused.
		{"negative", "-5m", `"-5m"`},
		// Ensure a word is refused.
		{"word", "abc", `"abc"`},
		// Ensure zero is refused: a zero deadline would escalate at once.
		{"zero", "0s", `"0s"`},
		// Ensure zero days is refused too.
		{"zero_days", "0d", `"0d"`},
		// Ensure fractional days are refused, since only whole days are read.
		{"fractional_days", "1.5d", `"1.5d"`},
		// Ensure days mixed with hours are refused.
		{"days_and_hours", "1d12h", `"1d12h"`},
		// Ensure a day count beyond what a duration holds is refused, not wrapped around.
		{"overflowing_days", "300000d", `"300000d"`},
		// Ensure an empty value is refused as nothing.
		{"nothing", "", "nothing"},
		// Ensure a list is refused once, by what it is.
		{"list", "[15m]", "a list"},
	}
	var tests []problemTest
	for _, b := range bad {
		tests = append(tests, problemTest{name: b.name,
			src:  "policies:\n  default:\n    L1:\n      acknowledge: " + b.value + "\n      resolve: 4h\n",
			want: []string{"test.yaml:4: policies.default.L1.acknowledge: " + want + b.got}})
	}
	runProblemTests(t, tests)
}

// TestParse_tierAndPriorityProblems checks tier and priority values.
func TestParse_tierAndPriorityProblems(t *testing.T) {
	t.Parallel()
	runProblemTests(t, []problemTest{
		// Ensure a route to a tier beyond L3 is refused.
		{name: "route_tier_l4", src: "routes:\n  - {tier: L4}\n", want: []string{
			`test.yaml:2: routes[0].tier: unknown tier "L4": want L1, L2 or L3`}},
		// Ensure a route tier of the wrong kind is refused once.
		{name: "route_tier_list", src: "routes:\n  - {tier: [L1, L2]}\n", want: []string{
			`test.yaml:2: routes[0].tier: want L1, L2 or L3, got a list`}},
		// Ensure a policy keyed by an unknown tier is refused.
		{name: "policy_tier_l4", src: "policies:\n  default:\n    L1: {acknowledge: 1m, resolve: 1h}\n    L4: {acknowledge: 1m, resolve: 1h}\n", want: []string{
			`test.yaml:4: policies.default.L4: unknown tier "L4": want L1, L2 or L3`}},
		// Ensure channels keyed by an unknown tier are refused.
		{name: "channel_tier_l0", src: "channels:\n  L0: [{kind: log}]\n", want: []string{
			`test.yaml:2: channels.L0: unknown tier "L0": want L1, L2 or L3`}},
		// Ensure a route priority beyond P5 is refused.
		{name: "route_priority_p9", src: "routes:\n  - {tier: L1, priority: P9}\n", want: []string{
			`test.yaml:2: routes[0].priority: unknown priority "P9": want P1 to P5`}},
		// Ensure a severity word is not taken for a priority.
		{name: "route_priority_word", src: "routes:\n  - {tier: L1, priority: critical}\n", want: []string{
			`test.yaml:2: routes[0].priority: unknown priority "critical": want P1 to P5`}},
		// Ensure a bad priority in a match list names its element.
		{name: "match_priority_p9", src: "routes:\n  - match:\n      priority: [P1, P9]\n", want: []string{
			`test.yaml:3: routes[0].match.priority[1]: unknown priority "P9": want P1 to P5`}},
		// Ensure a single bad match priority is refused.
		{name: "match_priority_p0", src: "routes:\n  - match: {priority: P0}\n", want: []string{
			`test.yaml:2: routes[0].match.priority: unknown priority "P0": want P1 to P5`}},
		// Ensure a match priority of the wrong kind is refused once.
		{name: "match_priority_mapping", src: "routes:\n  - match: {priority: {p: 1}}\n", want: []string{
			`test.yaml:2: routes[0].match.priority: want P1 to P5, got a mapping`}},
	})
}

// TestParse_tierAndPrioritySpellings checks the spellings a config may use.
func TestParse_tierAndPrioritySpellings(t *testing.T) {
	t.Parallel()
	c := MustParse(t, `routes:
  - {match: {priority: p2}, tier: l2, priority: "1"}
  - {tier: 3, priority: P5}
`)
	// Ensure tiers and priorities are read in any case, with or without their letter.
	want := []struct {
		tier  ticket.Tier
		prio  ticket.Priority
		match []ticket.Priority
	}{{ticket.L2, ticket.P1, []ticket.Priority{ticket.P2}}, {ticket.L3, ticket.P5, nil}}
	for i, w := range want {
		r := c.Routes[i]
		if r.Tier != w.tier || r.Priority != w.prio || len(r.Match.Priority) != len(w.match) ||
			(len(w.match) > 0 && r.Match.Priority[0] != w.match[0]) {
			t.Errorf("Routes[%d]=%v/%v/%v, want %v/%v/%v", i, r.Tier, r.Priority, r.Match.Priority, w.tier, w.prio, w.match)
		}
	}
}

// TestParse_allProblemsInFileOrder checks that one ConfigError lists every
// problem of a config, in the order of the file, including those found only
// once the whole file was read.
func TestParse_allProblemsInFileOrder(t *testing.T) {
	t.Parallel()
	src := `base_url: tierline.example
integrations:
  - name: Prometheus
    kind: nagios
    token: t
  - {name: grafana, kind: generic}
routes:
  - match: {integration: datadog}
    policy: urgent
  - {tier: L4}
policies:
  default:
    L1: {acknowledge: 15, resolve: 4h}
    L2: {acknowledge: 30m}
channels:
  L1: [{kind: email}]
api_keys:
  - {name: ops}
extra: true
`
	want := []string{
		`test.yaml:1: base_url: want an http or https URL such as https://tierline.example, got "tierline.example"`,
		`test.yaml:3: integrations[0].name: want 1 to 63 of a-z, 0-9, - and _ (it becomes part of the hook URL), got "Prometheus"`,
		`test.yaml:4: integrations[0].kind: unknown kind "nagios": want one of ` + strings.Join(policy.Kinds, ", "),
		`test.yaml:6: integrations[1]: integration "grafana" needs token or token_sha256: every sender authenticates`,
		`test.yaml:8: routes[0].match.integration: no integration named "datadog"; define it under integrations or fix the name`,
		`test.yaml:9: routes[0].policy: no policy named "urgent"; define it under policies or fix the name`,
		`test.yaml:10: routes[1].tier: unknown tier "L4": want L1, L2 or L3`,
		`test.yaml:13: policies.default.L1.acknowledge: want a positive duration such as 90s, 15m, 4h or 2d, got "15"`,
		`test.yaml:14: policies.default.L2: missing resolve; set both, e.g. {acknowledge: 15m, resolve: 4h}`,
		`test.yaml:16: channels.L1[0].kind: unknown kind "email": want one of log, webhook, slack, teams, sns`,
		`test.yaml:18: api_keys[0]: api key "ops" needs sha256 (or key, for development)`,
		`test.yaml:19: unknown field "extra" (known fields: action_links, api_keys, base_url, channels, forms, forms_secret, forms_secret_env, integrations, policies, problems, routes)`,
	}
	got := MustProblems(t, src)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Problems=\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}

	// Ensure the error reads as a count and one problem a line.
	_, err := policy.Parse(testFile, []byte(src))
	wantErr := "config: 12 problems:\n  " + strings.Join(want, "\n  ")
	if err.Error() != wantErr {
		t.Errorf("Error()=%q, want %q", err.Error(), wantErr)
	}
}

// TestConfigError checks how a ConfigError reads.
func TestConfigError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		problems []string
		want     string
	}{
		// Ensure a single problem reads as one line.
		{name: "one", problems: []string{"a.yaml:1: x: bad"}, want: "config: a.yaml:1: x: bad"},
		// Ensure several problems read as a count and one problem a line.
		{name: "two", problems: []string{"a.yaml:1: x: bad", "a.yaml:2: y: worse"},
			want: "config: 2 problems:\n  a.yaml:1: x: bad\n  a.yaml:2: y: worse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := (&policy.ConfigError{Problems: tt.problems}).Error(); got != tt.want {
				t.Errorf("Error()=%q, want %q", got, tt.want)
			}
		})
	}
}
