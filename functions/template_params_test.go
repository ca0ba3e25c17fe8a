package functions_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tierline/tierline/functions/internal/templatetest"
	"github.com/tierline/tierline/internal/testenv"
	"github.com/tierline/tierline/shared/policy"
)

// with returns the repository's template as a stack deployed with params.
func with(t *testing.T, params map[string]string) *templatetest.Template {
	t.Helper()
	tpl, err := load(t, templateText(t)).tpl.With(params)
	if err != nil {
		t.Fatal(err)
	}
	if p := tpl.CheckReferences(); len(p) != 0 {
		t.Fatalf("with %v:\n%s", params, strings.Join(p, "\n"))
	}
	return tpl
}

// Ensure that with ExistingTableName the stack creates no table and every
// function, its policies and dispatch's stream use the existing one.
func TestExistingTable(t *testing.T) {
	const name, label = "tierline-prod-restored", "2026-11-24T10:00:00.000"
	tpl := with(t, map[string]string{"ExistingTableName": name, "ExistingTableStreamLabel": label})
	if ok, _ := tpl.Created("TicketsTable"); ok {
		t.Fatal("TicketsTable is created although ExistingTableName is set")
	}
	arn := "arn:aws:dynamodb:us-east-1:123456789012:table/" + name
	for _, id := range tpl.Functions() {
		env, err := tpl.Env(id)
		if err != nil || env["TABLE_NAME"] != name {
			t.Errorf("%s: TABLE_NAME %q (%v), want %s", id, env["TABLE_NAME"], err, name)
		}
		stmts, err := tpl.Statements(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stmts {
			for _, r := range s.Resources {
				if strings.Contains(r, ":dynamodb:") && r != arn && !strings.HasPrefix(r, arn+"/index/") {
					t.Errorf("%s: %s allows %v on %s, not the existing table", id, s.Source, s.Actions, r)
				}
			}
		}
	}
	f, _ := tpl.Function("DispatchFunction")
	stream, err := tpl.Resolve(f.Events["Stream"].Properties["Stream"])
	if want := arn + "/stream/" + label; err != nil || stream != want {
		t.Fatalf("dispatch reads stream %q (%v), want %s", stream, err, want)
	}
	if out, _ := tpl.Resolve(tpl.Outputs["TicketsTableName"].(map[string]any)["Value"]); out != name {
		t.Fatalf("output TicketsTableName %q, want %s", out, name)
	}
}

// Ensure that with DomainName the API gets the domain, mapped to its
// stage, with Route 53 records when a hosted zone is given, and every URL
// the stack gives out (outputs, hand-off links) is on the domain.
func TestCustomDomain(t *testing.T) {
	const domain = "tierline.example.com"
	cert := "arn:aws:acm:us-east-1:123456789012:certificate/0c7a2d4e-1b3f-4a5c-9d8e-7f6a5b4c3d2e"
	for _, zone := range []string{"", "Z0123456789ABCDEFGHIJ"} {
		tpl := with(t, map[string]string{"DomainName": domain, "CertificateArn": cert, "HostedZoneId": zone})
		for id, want := range map[string]bool{"ApiDomain": true, "ApiMapping": true, "ApiRecordA": zone != "", "ApiRecordAAAA": zone != ""} {
			if ok, err := tpl.Created(id); err != nil || ok != want {
				t.Errorf("zone %q: %s created %v (%v), want %v", zone, id, ok, err, want)
			}
		}
		if m := tpl.Resources["ApiMapping"].Properties; mapping(m["ApiId"])["Ref"] != "HttpApi" || mapping(m["DomainName"])["Ref"] != "ApiDomain" {
			t.Errorf("ApiMapping %v, want HttpApi mapped to ApiDomain", m)
		}
		for name, o := range tpl.Outputs {
			if !strings.HasSuffix(name, "Url") || name == "ExecuteApiUrl" || name == "DashboardUrl" {
				continue
			}
			if v, err := tpl.Resolve(mapping(o)["Value"]); err != nil || !strings.HasPrefix(v, "https://"+domain) {
				t.Errorf("output %s %q (%v), want it on https://%s", name, v, err, domain)
			}
		}
		env, _ := tpl.Env("NotifyFunction")
		if env["TIERLINE_BASE_URL"] != "https://"+domain {
			t.Errorf("notify's TIERLINE_BASE_URL %q, want the domain: hand-off links outlive the stack", env["TIERLINE_BASE_URL"])
		}
	}
	// Ensure a domain without a certificate makes no domain at all.
	if ok, _ := with(t, map[string]string{"DomainName": domain}).Created("ApiDomain"); ok {
		t.Fatal("ApiDomain created without CertificateArn")
	}
}

// Ensure each environment of samconfig.toml deploys a config of
// infra/config/ that loads, whose secrets the environment's stage may
// read, and sets only parameters the template has, to values the template
// takes.
func TestSamconfigEnvironments(t *testing.T) {
	envs := samconfig(t)
	if len(envs) < 2 {
		t.Fatalf("samconfig.toml deploys %v, want a dev (default) and a prod environment", envs)
	}
	tpl := load(t, templateText(t)).tpl
	for env, params := range envs {
		for k, v := range params {
			p, ok := tpl.Parameters[k]
			if !ok {
				t.Errorf("%s: parameter %s is not the template's", env, k)
				continue
			}
			if err := takes(p, v); err != nil {
				t.Errorf("%s: %s=%q: %v", env, k, v, err)
			}
		}
		file := params["ConfigFile"]
		data, err := os.ReadFile(filepath.Join(testenv.Root(t), "infra", "config", file))
		if err != nil {
			t.Errorf("%s: ConfigFile %q: %v", env, file, err)
			continue
		}
		refs, err := policy.Check(file, data)
		if err != nil {
			t.Errorf("%s: ConfigFile %q: %v", env, file, err)
			continue
		}
		deployed, err := tpl.With(params)
		if err != nil {
			t.Errorf("%s: %v", env, err)
			continue
		}
		for _, p := range (checker{tpl: deployed, root: testenv.Root(t)}).secretsReadable(file, refs) {
			t.Errorf("%s: %s", env, p)
		}
	}
}

// takes checks a value against a parameter's AllowedPattern and bounds.
func takes(p map[string]any, v string) error {
	if pat, ok := p["AllowedPattern"].(string); ok && !regexp.MustCompile(pat).MatchString(v) {
		return fmt.Errorf("does not match %s", pat)
	}
	if p["Type"] == "Number" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return err
		}
		if lo, ok := p["MinValue"].(int); ok && n < lo {
			return fmt.Errorf("under MinValue %d", lo)
		}
		if hi, ok := p["MaxValue"].(int); ok && n > hi {
			return fmt.Errorf("over MaxValue %d", hi)
		}
	}
	return nil
}

// samconfig reads the parameter_overrides of each environment's deploy
// table: TOML basic strings of KEY="value" pairs, as sam writes them.
func samconfig(t *testing.T) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(testenv.Root(t), "samconfig.toml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	envs := map[string]map[string]string{}
	pair := regexp.MustCompile(`(\w+)="((?:[^"\\]|\\.)*)"`)
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		env, ok := strings.CutSuffix(section, ".deploy.parameters")
		k, v, found := strings.Cut(line, "=")
		if !ok || !found || strings.TrimSpace(k) != "parameter_overrides" {
			continue
		}
		s, err := strconv.Unquote(strings.TrimSpace(v))
		if err != nil {
			t.Fatalf("samconfig.toml [%s]: parameter_overrides: %v", section, err)
		}
		envs[env] = map[string]string{}
		for _, m := range pair.FindAllStringSubmatch(s, -1) {
			envs[env][m[1]] = m[2]
		}
	}
	return envs
}
