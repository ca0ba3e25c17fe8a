package policy_test

import (
	"crypto/hmac"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// formsSecret is a plain forms secret long enough to be accepted.
const formsSecret = "forms-secret-for-tests-0123456789abcdef"

// withSecret prefixes src with a forms secret, so that a test of a form's
// own fields needs not repeat one.
func withSecret(src string) string { return "forms_secret: " + formsSecret + "\n" + src }

// TestLoad_fullForms checks the forms of testdata/full.yaml.
func TestLoad_fullForms(t *testing.T) {
	t.Parallel()
	c, err := policy.Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []policy.Form{
		{Name: "it-help", Title: "IT help", Description: "Tell us what is wrong and we will get back to you.",
			Categories: []string{"password", "hardware", "software", "network"},
			Origins:    []string{"https://intranet.example", "http://wiki.corp.example:8080"},
			Impacts:    policy.DefaultImpacts},
		{Name: "facilities", Title: "Facilities: desks, rooms & badges",
			Categories: []string{"Badge access", "Meeting rooms"},
			Impacts: []policy.Impact{{Name: "minor", Label: "minor", Priority: ticket.P5},
				{Name: "blocking", Label: "I cannot get in", Priority: ticket.P2}}},
	}
	// Ensure every form keeps its order and fields, with the default impacts where it lists none.
	if len(c.Forms) != len(want) {
		t.Fatalf("len(Forms)=%d, want %d", len(c.Forms), len(want))
	}
	for i := range want {
		got, ok := c.Form(want[i].Name)
		if !ok || !sameForm(got, want[i]) || !sameForm(c.Forms[i], want[i]) {
			t.Errorf("Form(%q)=%+v, %v, want %+v", want[i].Name, got, ok, want[i])
		}
	}
	// Ensure the secret is kept as an HMAC key.
	if !c.FormsSecret.IsSet() {
		t.Fatal("FormsSecret is not set")
	}
	if got, want := c.FormsSecret.Sum("x"), policy.NewLinkKey("development-only-forms-secret-0123456789").Sum("x"); !hmac.Equal(got, want) {
		t.Errorf("FormsSecret.Sum differs from the key of the file's secret")
	}
}

// sameForm compares forms by their exported fields.
func sameForm(a, b policy.Form) bool {
	return a.Name == b.Name && a.Title == b.Title && a.Description == b.Description &&
		reflect.DeepEqual(a.Categories, b.Categories) && reflect.DeepEqual(a.Origins, b.Origins) &&
		reflect.DeepEqual(a.Impacts, b.Impacts)
}

// TestForm_lookups checks how a submission's words find the form's choices.
func TestForm_lookups(t *testing.T) {
	t.Parallel()
	c := MustParse(t, withSecret(`forms:
  - {name: it-help, title: IT help, categories: [password, VPN access], origins: ["https://intranet.example"]}
`))
	f, ok := c.Form("it-help")
	if !ok {
		t.Fatal(`Form("it-help") not found`)
	}
	// Ensure a form that is not configured is not found.
	if _, ok := c.Form("it"); ok {
		t.Error(`Form("it") found, want not found`)
	}
	categories := []struct {
		in, want string
		ok       bool
	}{
		{"password", "password", true},     // Ensure a category is found as written.
		{"PASSWORD ", "password", true},    // Ensure case and blanks around it are ignored, giving the config's spelling.
		{"vpn access", "VPN access", true}, // Ensure a category of several words is found.
		{"passwords", "", false},           // Ensure a near miss is not a category.
		{"", "", false},                    // Ensure nothing is not a category.
	}
	for _, tt := range categories {
		if got, ok := f.Category(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("Category(%q)=%q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	impacts := []struct {
		in   string
		want ticket.Priority
		ok   bool
	}{
		{"low", ticket.P4, true},    // Ensure the default impacts map to their priorities.
		{"Medium", ticket.P3, true}, // Ensure case is ignored.
		{"high", ticket.P2, true},
		{"critical", 0, false}, // Ensure an impact the form does not list is not found.
	}
	for _, tt := range impacts {
		if got, ok := f.Impact(tt.in); got.Priority != tt.want || ok != tt.ok {
			t.Errorf("Impact(%q)=%+v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	origins := []struct {
		in string
		ok bool
	}{
		{"https://intranet.example", true},       // Ensure a listed origin is allowed.
		{"http://intranet.example", false},       // Ensure the scheme counts.
		{"https://intranet.example:8443", false}, // Ensure the port counts.
		{"https://intranet.example.evil", false}, // Ensure a longer host is another site.
		{"https://INTRANET.example", false},      // Ensure the comparison is exact: browsers send lower case.
		{"null", false},                          // Ensure the opaque origin is never allowed.
		{"", false},                              // Ensure no origin is not a listed origin.
	}
	for _, tt := range origins {
		if got := f.AllowsOrigin(tt.in); got != tt.ok {
			t.Errorf("AllowsOrigin(%q)=%v, want %v", tt.in, got, tt.ok)
		}
	}
}

// TestParse_formRouteByName checks that a route may match a form's tickets
// by the form's name, which is their integration.
func TestParse_formRouteByName(t *testing.T) {
	t.Parallel()
	c := MustParse(t, withSecret(`forms:
  - {name: it-help, title: IT help, categories: [password]}
routes:
  - {match: {integration: it-help, category: password}, tier: L1, priority: P4}
`))
	// Ensure the route places the form's password requests.
	got := c.Route("it-help", ticket.Signal{Title: "reset", Category: "password"})
	if got.Tier != ticket.L1 || got.Priority != ticket.P4 {
		t.Errorf("Route=%+v, want L1 P4", got)
	}
}

// TestParse_formProblems checks every way a form is refused.
func TestParse_formProblems(t *testing.T) {
	t.Parallel()
	const name = "want 1 to 63 of a-z, 0-9, - and _ (it becomes part of the form's URL), got "
	const origin = "want scheme://host[:port] as a browser sends it in Origin, such as https://intranet.example, got "
	form := func(fields string) string {
		return withSecret("forms:\n  - {name: it-help, title: IT help, categories: [password], " + fields + "}\n")
	}
	runProblemTests(t, []problemTest{
		// Ensure an upper-case name is refused: it becomes part of the URL.
		{name: "name_upper_case", src: withSecret("forms:\n  - {name: IT-Help, title: t, categories: [a]}\n"), want: []string{
			`test.yaml:3: forms[0].name: ` + name + `"IT-Help"`}},
		// Ensure a name with a slash is refused.
		{name: "name_slash", src: withSecret("forms:\n  - {name: it/help, title: t, categories: [a]}\n"), want: []string{
			`test.yaml:3: forms[0].name: ` + name + `"it/help"`}},
		// Ensure a missing name is refused at the form's line.
		{name: "name_missing", src: withSecret("forms:\n  - {title: t, categories: [a]}\n"), want: []string{
			`test.yaml:3: forms[0].name: ` + name + `""`}},
		// Ensure two forms may not share a name, reported at the second.
		{name: "name_twice", src: withSecret(`forms:
  - {name: it-help, title: a, categories: [a]}
  - name: it-help
    title: b
    categories: [b]
`), want: []string{
			`test.yaml:4: forms[1].name: the name "it-help" is used twice; names are part of form URLs and must be unique, so rename one`}},
		// Ensure a form may not have an integration's name: they would share dedup keys.
		{name: "name_of_integration", src: withSecret(`integrations:
  - {name: helpdesk, kind: generic, token: t}
forms:
  - {name: helpdesk, title: Help, categories: [a]}
`), want: []string{
			`test.yaml:5: forms[0].name: the name "helpdesk" is an integration's too; tickets of both would share dedup keys and routes, so rename one`}},
		// Ensure a form needs a title.
		{name: "title_missing", src: withSecret("forms:\n  - {name: it-help, categories: [a]}\n"), want: []string{
			`test.yaml:3: forms[0]: form "it-help" needs a title: it heads the page`}},
		// Ensure a title over the limit is refused.
		{name: "title_too_long", src: withSecret("forms:\n  - {name: it-help, title: " + strings.Repeat("x", 201) + ", categories: [a]}\n"), want: []string{
			`test.yaml:3: forms[0].title: 201 characters; the limit is 200, so shorten it`}},
		// Ensure a title of the wrong kind is refused.
		{name: "title_list", src: withSecret("forms:\n  - {name: it-help, title: [a], categories: [a]}\n"), want: []string{
			`test.yaml:3: forms[0].title: want a string, got a list`}},
		// Ensure a form needs categories.
		{name: "categories_missing", src: withSecret("forms:\n  - {name: it-help, title: t}\n"), want: []string{
			`test.yaml:3: forms[0].categories: form "it-help" needs at least one category: the requester picks one, and routes match it`}},
		// Ensure an empty list of categories is no categories.
		{name: "categories_empty", src: withSecret("forms:\n  - {name: it-help, title: t, categories: []}\n"), want: []string{
			`test.yaml:3: forms[0].categories: form "it-help" needs at least one category: the requester picks one, and routes match it`}},
		// Ensure a category listed twice, in any case, is refused.
		{name: "category_twice", src: withSecret("forms:\n  - {name: it-help, title: t, categories: [password, Password]}\n"), want: []string{
			`test.yaml:3: forms[0].categories[1]: the category "Password" is listed twice; keep one`}},
		// Ensure an empty category is refused.
		{name: "category_empty", src: withSecret("forms:\n  - {name: it-help, title: t, categories: [\"\", a]}\n"), want: []string{
			`test.yaml:3: forms[0].categories[0]: want a category of 1 to 63 characters on one line, got ""`}},
		// Ensure a category that is not a string is refused once.
		{name: "category_mapping", src: withSecret("forms:\n  - {name: it-help, title: t, categories: [{a: b}]}\n"), want: []string{
			`test.yaml:3: forms[0].categories[0]: want a string, got a mapping`}},
		// Ensure a wildcard origin is refused: it would let any site file requests.
		{name: "origin_wildcard", src: form(`origins: ["*"]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: "*" is not allowed: list each site's origin, so that no other page can file requests`}},
		// Ensure the opaque origin null is refused.
		{name: "origin_null", src: form(`origins: ["null"]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: "null" is not allowed: list each site's origin, so that no other page can file requests`}},
		// Ensure an origin with a trailing slash is refused with the fix.
		{name: "origin_trailing_slash", src: form(`origins: ["https://intranet.example/"]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: ` + origin + `"https://intranet.example/": drop the path (an origin has none, not even a trailing /)`}},
		// Ensure an origin with a path is refused.
		{name: "origin_path", src: form(`origins: ["https://intranet.example/help"]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: ` + origin + `"https://intranet.example/help": drop the path (an origin has none, not even a trailing /)`}},
		// Ensure an origin with a query is refused.
		{name: "origin_query", src: form(`origins: ["https://intranet.example?x=1"]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: ` + origin + `"https://intranet.example?x=1": drop everything after the host and port`}},
		// Ensure an origin with user info is refused.
		{name: "origin_userinfo", src: form(`origins: ["https://me@intranet.example"]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: ` + origin + `"https://me@intranet.example": drop everything after the host and port`}},
		// Ensure an origin without a scheme is refused.
		{name: "origin_no_scheme", src: form(`origins: ["intranet.example"]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: ` + origin + `"intranet.example"`}},
		// Ensure an origin of another scheme is refused.
		{name: "origin_ftp", src: form(`origins: ["ftp://intranet.example"]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: ` + origin + `"ftp://intranet.example"`}},
		// Ensure an upper-case host is refused: browsers send lower case, and the check is exact.
		{name: "origin_upper_case", src: form(`origins: ["https://Intranet.example"]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: ` + origin + `"https://Intranet.example": write it in lower case`}},
		// Ensure a default port is refused: browsers leave it out.
		{name: "origin_default_port", src: form(`origins: ["https://intranet.example:443"]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: ` + origin + `"https://intranet.example:443": drop the default port, which browsers leave out`}},
		// Ensure an origin listed twice is refused.
		{name: "origin_twice", src: form(`origins: ["https://a.example", "https://a.example"]`), want: []string{
			`test.yaml:3: forms[0].origins[1]: the origin "https://a.example" is listed twice; keep one`}},
		// Ensure an origin that is not a string is refused.
		{name: "origin_list", src: form(`origins: [[a]]`), want: []string{
			`test.yaml:3: forms[0].origins[0]: want an origin such as https://intranet.example, got a list`}},
		// Ensure an impact name must be URL-safe: it is the value the page posts.
		{name: "impact_bad_name", src: form(`impact: {"Very High": P1}`), want: []string{
			`test.yaml:3: forms[0].impact.Very High: want an impact name of 1 to 63 of a-z, 0-9, - and _ (it is the value the page posts), got "Very High"`}},
		// Ensure an impact's priority must be P1 to P5.
		{name: "impact_bad_priority", src: form(`impact: {low: P9}`), want: []string{
			`test.yaml:3: forms[0].impact.low: unknown priority "P9": want P1 to P5`}},
		// Ensure an impact given as a mapping needs its priority.
		{name: "impact_missing_priority", src: form(`impact: {low: {label: "Meh"}}`), want: []string{
			`test.yaml:3: forms[0].impact.low: missing priority; set it, e.g. {priority: P3, label: "It slows my work down"}`}},
		// Ensure an impact mapping with an unknown field lists the known ones.
		{name: "impact_unknown_field", src: form(`impact: {low: {priority: P4, colour: grey}}`), want: []string{
			`test.yaml:3: forms[0].impact.low: unknown field "colour" (known fields: label, priority)`}},
		// Ensure an empty impact mapping is refused rather than leaving no choice.
		{name: "impact_empty", src: form(`impact: {}`), want: []string{
			`test.yaml:3: forms[0].impact: no impact choices; list some, or leave impact out for low, medium and high`}},
		// Ensure an unknown field of a form lists the known ones.
		{name: "unknown_field", src: form(`captcha: true`), want: []string{
			`test.yaml:3: forms[0]: unknown field "captcha" (known fields: categories, description, impact, name, origins, title)`}},
	})
}
