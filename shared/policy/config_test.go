package policy_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// testFile is the file name Parse is given in tests; every problem starts with it.
const testFile = "test.yaml"

// MustParse parses src as testFile and fails the test on any problem.
func MustParse(tb testing.TB, src string) *policy.Config {
	tb.Helper()
	c, err := policy.Parse(testFile, []byte(src))
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return c
}

// MustProblems parses src, which must be refused with a *ConfigError, and
// returns its problems.
func MustProblems(tb testing.TB, src string) []string {
	tb.Helper()
	c, err := policy.Parse(testFile, []byte(src))
	if err == nil {
		tb.Fatalf("Parse accepted the config: %+v", c)
	}
	if c != nil {
		tb.Errorf("Parse returned a config with an error: %+v", c)
	}
	var ce *policy.ConfigError
	if !errors.As(err, &ce) {
		tb.Fatalf("Parse error is %T (%v), want *policy.ConfigError", err, err)
	}
	return ce.Problems
}

// problemTest is a config that must be refused with exactly these problems.
type problemTest struct {
	name string
	src  string
	want []string
}

// runProblemTests checks each config is refused with exactly its problems.
func runProblemTests(t *testing.T, tests []problemTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := MustProblems(t, tt.src)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Problems=\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// builtin is the built-in default policy (the README's Configuration), in the form Parse gives it.
var builtin = policy.Policy{Name: policy.DefaultPolicy, Tiers: map[ticket.Tier]policy.TierPolicy{
	ticket.L1: {Deadlines: ticket.Deadlines{Acknowledge: 15 * time.Minute, Resolve: 4 * time.Hour}},
	ticket.L2: {Deadlines: ticket.Deadlines{Acknowledge: 30 * time.Minute, Resolve: 8 * time.Hour}},
	ticket.L3: {Deadlines: ticket.Deadlines{Acknowledge: time.Hour, Resolve: 24 * time.Hour}, Repeat: 3},
}}

// TestLoad_full loads testdata/full.yaml, a realistic config with every
// section and field, and checks all of it.
func TestLoad_full(t *testing.T) {
	t.Parallel()
	c, err := policy.Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	// Ensure the trailing slash of base_url is dropped, so links join cleanly.
	if c.BaseURL != "https://tierline.example.com" {
		t.Errorf("BaseURL=%q, want %q", c.BaseURL, "https://tierline.example.com")
	}

	// Ensure integrations keep their order, kinds and secrets, plain or hashed.
	integrations := []struct{ name, kind, token string }{
		{"prometheus", "generic", "dev-only-plain-token"},
		{"grafana", "generic", "grafana-token-7f3a"},
		{"it-forms", "generic", "forms-token"},
	}
	if len(c.Integrations) != len(integrations) {
		t.Fatalf("len(Integrations)=%d, want %d", len(c.Integrations), len(integrations))
	}
	for i, want := range integrations {
		in := c.Integrations[i]
		if in.Name != want.name || in.Kind != want.kind {
			t.Errorf("Integrations[%d]=%s/%s, want %s/%s", i, in.Name, in.Kind, want.name, want.kind)
		}
		if !in.Token.Matches(want.token) {
			t.Errorf("Integrations[%d].Token.Matches(%q)=false, want true", i, want.token)
		}
		if got, ok := c.Integration(want.name); !ok || got.Name != want.name {
			t.Errorf("Integration(%q)=%q, %v, want found", want.name, got.Name, ok)
		}
	}
	if _, ok := c.Integration("datadog"); ok {
		t.Errorf("Integration(%q) found, want not found", "datadog")
	}

	// Ensure routes keep their order and every match field, with the
	// defaults (L1, the default policy, no priority) where a route sets none.
	routes := []policy.Route{
		{Match: policy.Match{Severity: []string{"critical"}, Integration: []string{"prometheus", "grafana"}},
			Tier: ticket.L2, Priority: ticket.P1, Policy: "database"},
		{Match: policy.Match{Source: []string{"db1", "db2"}, Labels: map[string]string{"team": "dba", "env": "prod"}},
			Tier: ticket.L2, Policy: "database"},
		{Match: policy.Match{Category: []string{"password"}, Text: "reset"},
			Tier: ticket.L1, Priority: ticket.P4, Policy: policy.DefaultPolicy},
		{Match: policy.Match{Priority: []ticket.Priority{ticket.P1, ticket.P2}},
			Tier: ticket.L2, Policy: policy.DefaultPolicy},
		{Tier: ticket.L1, Priority: ticket.P5, Policy: "business-hours"},
	}
	if len(c.Routes) != len(routes) {
		t.Fatalf("len(Routes)=%d, want %d", len(c.Routes), len(routes))
	}
	for i, want := range routes {
		if !reflect.DeepEqual(c.Routes[i], want) {
			t.Errorf("Routes[%d]=%+v, want %+v", i, c.Routes[i], want)
		}
	}

	// Ensure every policy has exactly the tiers, deadlines and repeats it
	// sets, the user's default replacing the built-in one.
	policies := map[string]policy.Policy{
		"default": {Name: "default", Tiers: map[ticket.Tier]policy.TierPolicy{
			ticket.L1: {Deadlines: ticket.Deadlines{Acknowledge: 10 * time.Minute, Resolve: 2 * time.Hour}},
			ticket.L2: {Deadlines: ticket.Deadlines{Acknowledge: 20 * time.Minute, Resolve: 6 * time.Hour}},
			ticket.L3: {Deadlines: ticket.Deadlines{Acknowledge: 45 * time.Minute, Resolve: 24 * time.Hour}, Repeat: 2},
		}},
		"database": {Name: "database", Tiers: map[ticket.Tier]policy.TierPolicy{
			ticket.L2: {Deadlines: ticket.Deadlines{Acknowledge: 5 * time.Minute, Resolve: 90 * time.Minute}},
			ticket.L3: {Deadlines: ticket.Deadlines{Acknowledge: 15 * time.Minute, Resolve: 4*time.Hour + 30*time.Minute}, Repeat: 5},
		}},
		"business-hours": {Name: "business-hours", Tiers: map[ticket.Tier]policy.TierPolicy{
			ticket.L1: {Deadlines: ticket.Deadlines{Acknowledge: 2 * time.Hour, Resolve: 48 * time.Hour}},
		}},
	}
	if !reflect.DeepEqual(c.Policies, policies) {
		t.Errorf("Policies=%+v, want %+v", c.Policies, policies)
	}

	// Ensure channels keep their order per tier, unnamed ones are named
	// after their kind (kind, kind-2, …), and headers are kept.
	channels := policy.Channels{
		ticket.L1: {{Name: "log", Kind: "log"}},
		ticket.L2: {
			{Name: "on-call-l2", Kind: "webhook", URL: "https://hooks.example/on-call-l2",
				Headers: map[string]string{"Authorization": "Bearer l2-hook-secret"}},
			{Name: "webhook", Kind: "webhook", URL: "https://chat.example/hooks/l2"},
			{Name: "webhook-2", Kind: "webhook", URL: "http://pager.internal:8080/page"},
		},
		ticket.L3: {{Name: "log", Kind: "log"}, {Name: "log-2", Kind: "log"}},
	}
	if !reflect.DeepEqual(c.Channels, channels) {
		t.Errorf("Channels=%+v, want %+v", c.Channels, channels)
	}

	// Ensure api keys keep their names and secrets, hashed or plain.
	keys := []struct{ name, key string }{{"ops", "ops-key-9d2c"}, {"dev-cli", "dev-cli-plain-key"}}
	if len(c.APIKeys) != len(keys) {
		t.Fatalf("len(APIKeys)=%d, want %d", len(c.APIKeys), len(keys))
	}
	for i, want := range keys {
		if k := c.APIKeys[i]; k.Name != want.name || !k.Secret.Matches(want.key) {
			t.Errorf("APIKeys[%d]=%q, Matches(%q)=%v, want %q, true", i, k.Name, want.key, k.Secret.Matches(want.key), want.name)
		}
	}
}

// TestParse_defaultPolicy checks where the default policy comes from.
func TestParse_defaultPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want map[string]policy.Policy
	}{
		// Ensure a config without policies gets the built-in default policy.
		{name: "no_policies_section", src: `base_url: https://tierline.example`,
			want: map[string]policy.Policy{"default": builtin}},
		// Ensure an empty config is a valid config, with the built-in default.
		{name: "empty_mapping", src: `{}`,
			want: map[string]policy.Policy{"default": builtin}},
		// Ensure other policies do not displace the built-in default.
		{name: "other_policies_only", src: `policies:
  fast: {L1: {acknowledge: 1m, resolve: 10m}}`,
			want: map[string]policy.Policy{
				"default": builtin,
				"fast": {Name: "fast", Tiers: map[ticket.Tier]policy.TierPolicy{
					ticket.L1: {Deadlines: ticket.Deadlines{Acknowledge: time.Minute, Resolve: 10 * time.Minute}},
				}},
			}},
		// Ensure a user "default" replaces the built-in one whole: no tier of it survives.
		{name: "user_default_replaces_builtin", src: `policies:
  default:
    L1: {acknowledge: 2s, resolve: 10s, repeat: 1}`,
			want: map[string]policy.Policy{
				"default": {Name: "default", Tiers: map[ticket.Tier]policy.TierPolicy{
					ticket.L1: {Deadlines: ticket.Deadlines{Acknowledge: 2 * time.Second, Resolve: 10 * time.Second}, Repeat: 1},
				}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := MustParse(t, tt.src)
			if !reflect.DeepEqual(c.Policies, tt.want) {
				t.Errorf("Policies=%+v, want %+v", c.Policies, tt.want)
			}
		})
	}
}

// TestParse_baseURL checks the public URL used for links.
func TestParse_baseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string
	}{
		// Ensure a config may leave base_url out.
		{name: "absent", src: `{}`, want: ""},
		// Ensure an https URL is kept as written.
		{name: "https", src: `base_url: https://tierline.example`, want: "https://tierline.example"},
		// Ensure plain http works for a local runtime.
		{name: "http_with_port", src: `base_url: http://127.0.0.1:8080`, want: "http://127.0.0.1:8080"},
		// Ensure a path prefix is kept and trailing slashes are dropped.
		{name: "path_and_slashes", src: `base_url: https://intranet.example/tierline//`, want: "https://intranet.example/tierline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := MustParse(t, tt.src).BaseURL; got != tt.want {
				t.Errorf("BaseURL=%q, want %q", got, tt.want)
			}
		})
	}
}

// TestParse_baseURLProblems checks that a base_url that cannot make links is refused.
func TestParse_baseURLProblems(t *testing.T) {
	t.Parallel()
	runProblemTests(t, []problemTest{
		// Ensure a host without a scheme is refused with an example of the fix.
		{name: "no_scheme", src: `base_url: tierline.example`, want: []string{
			`test.yaml:1: base_url: want an http or https URL such as https://tierline.example, got "tierline.example"`}},
		// Ensure a scheme other than http and https is refused.
		{name: "ftp", src: `base_url: ftp://tierline.example`, want: []string{
			`test.yaml:1: base_url: want an http or https URL such as https://tierline.example, got "ftp://tierline.example"`}},
		// Ensure a scheme without a host is refused.
		{name: "no_host", src: `base_url: "https://"`, want: []string{
			`test.yaml:1: base_url: want an http or https URL such as https://tierline.example, got "https://"`}},
		// Ensure an unparseable URL is refused.
		{name: "unparseable", src: `base_url: "https://tier line.example/%zz"`, want: []string{
			`test.yaml:1: base_url: want an http or https URL such as https://tierline.example, got "https://tier line.example/%zz"`}},
		// Ensure a list is refused once, by what it is.
		{name: "list", src: "\nbase_url: [https://a.example]", want: []string{
			`test.yaml:2: base_url: want an http or https URL such as https://tierline.example, got a list`}},
		// Ensure an empty base_url is refused rather than read as absent.
		{name: "empty", src: `base_url:`, want: []string{
			`test.yaml:1: base_url: want an http or https URL such as https://tierline.example, got nothing`}},
	})
}

// TestLoad checks reading a config from a file.
func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	// Ensure a good file loads.
	t.Run("good_file", func(t *testing.T) {
		c, err := policy.Load(write("good.yaml", "base_url: https://tierline.example\n"))
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if c.BaseURL != "https://tierline.example" {
			t.Errorf("BaseURL=%q, want %q", c.BaseURL, "https://tierline.example")
		}
	})

	// Ensure problems name the file by its base name, not its whole path.
	t.Run("problems_name_the_base_name", func(t *testing.T) {
		_, err := policy.Load(write("tierline.yaml", "base_url: https://tierline.example\nroutes: {}\n"))
		want := "config: tierline.yaml:2: routes: want a list, got a mapping"
		if err == nil || err.Error() != want {
			t.Errorf("Load error=%v, want %q", err, want)
		}
		if err != nil && strings.Contains(err.Error(), dir) {
			t.Errorf("Load error %q contains the directory %q", err, dir)
		}
	})

	// Ensure a missing file says so, names the path and is not a ConfigError.
	t.Run("missing_file", func(t *testing.T) {
		path := filepath.Join(dir, "nope.yaml")
		_, err := policy.Load(path)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Load error=%v, want fs.ErrNotExist", err)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "config: ") || !strings.Contains(msg, path) {
			t.Errorf("Load error=%q, want it to start with %q and name %q", msg, "config: ", path)
		}
		var ce *policy.ConfigError
		if errors.As(err, &ce) {
			t.Errorf("Load error is a *ConfigError, want a file error")
		}
	})
}

// Ensure an empty section, as a commented-out list leaves it, reads as empty.
func TestParse_emptySections(t *testing.T) {
	cfg := MustParse(t, "integrations:\nroutes:\npolicies:\nchannels:\napi_keys:\n")
	if len(cfg.Integrations) != 0 || len(cfg.Routes) != 0 || len(cfg.Channels) != 0 || len(cfg.APIKeys) != 0 {
		t.Fatalf("empty sections gave %+v, want nothing configured", cfg)
	}
	if _, ok := cfg.Policies["default"]; !ok {
		t.Fatal("the built-in default policy is missing")
	}
}
