package functions_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/functions/internal/templatetest"
	"github.com/tierline/tierline/shared/policy"
)

// checker finds what is wrong with a template, given the repository it
// sits in. Each method returns problems; none means the check passed.
type checker struct {
	tpl  *templatetest.Template
	root string
}

func (c checker) problems() []string {
	var out []string
	for _, check := range []func() []string{
		c.tpl.CheckReferences, c.functions, c.table, c.eventSources, c.deadLetterAlarms, c.api, c.timers, c.outputs, c.config,
		c.operations,
	} {
		out = append(out, check()...)
	}
	return out
}

// functions checks each function's runtime, build and environment.
func (c checker) functions() []string {
	var out []string
	ids := c.tpl.Functions()
	if want := []string{"ApiFunction", "DispatchFunction", "EscalateFunction", "NotifyFunction", "SweepFunction"}; !slices.Equal(ids, want) {
		out = append(out, fmt.Sprintf("functions %v, want %v", ids, want))
	}
	for _, id := range ids {
		f, err := c.tpl.Function(id)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		if f.Runtime != "provided.al2023" || f.Handler != "bootstrap" || !slices.Equal(f.Architectures, []string{"arm64"}) {
			out = append(out, fmt.Sprintf("%s: runtime %s, handler %s, architectures %v; want provided.al2023, bootstrap, [arm64]",
				id, f.Runtime, f.Handler, f.Architectures))
		}
		dir, err := c.buildTarget(f)
		if err != nil {
			out = append(out, fmt.Sprintf("%s: CodeUri %q does not build: %v", id, f.CodeURI, err))
			continue
		}
		out = append(out, c.environment(id, f, dir)...)
		if !c.alarmed("AWS/Lambda", "Errors", "FunctionName", map[string]any{"Ref": id}) {
			out = append(out, fmt.Sprintf("%s: no alarm on its Errors", id))
		}
	}
	return out
}

// buildTarget checks that sam build can build f (BuildMethod makefile, a
// Makefile in CodeUri with a build-<ID> target) and returns the function
// directory that target builds.
func (c checker) buildTarget(f *templatetest.Function) (string, error) {
	if f.BuildMethod != "makefile" {
		return "", fmt.Errorf("Metadata.BuildMethod %q, want makefile", f.BuildMethod)
	}
	dir := filepath.Join(c.root, f.CodeURI)
	if _, err := os.Stat(filepath.Join(dir, "Makefile")); err != nil {
		return "", fmt.Errorf("no Makefile in %s, where sam build looks for it", f.CodeURI)
	}
	out, err := exec.Command("make", "-n", "-C", dir, "build-"+f.ID, "ARTIFACTS_DIR=/nonexistent").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("make build-%s: %v: %s", f.ID, err, strings.TrimSpace(string(out)))
	}
	m := regexp.MustCompile(`go build .* -o /nonexistent/bootstrap \./(functions/[a-z]+)`).FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("make build-%s does not build a bootstrap from ./functions/<name>:\n%s", f.ID, out)
	}
	return filepath.Join(c.root, string(m[1])), nil
}

// environment compares the variables main.go reads (through boot.Env's
// Need) with those the template sets.
func (c checker) environment(id string, f *templatetest.Function, dir string) []string {
	reads, err := needs(filepath.Join(dir, "main.go"))
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", id, err)}
	}
	var out []string
	for _, name := range reads {
		if _, ok := f.Environment[name]; !ok {
			out = append(out, fmt.Sprintf("%s: %s reads %s, which the template does not set", id, filepath.Base(dir), name))
		}
	}
	var set []string
	for name := range f.Environment {
		set = append(set, name)
	}
	sort.Strings(set)
	for _, name := range set {
		if !slices.Contains(reads, name) {
			out = append(out, fmt.Sprintf("%s: the template sets %s, which %s/main.go does not read", id, name, filepath.Base(dir)))
		}
	}
	return out
}

// needs lists the variables a main.go reads with Need("NAME"), itself or
// through a function of functions/internal/boot that does
// (boot.TimerTarget, say).
func needs(path string) ([]string, error) {
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	helpers, err := bootNeeds(filepath.Join(filepath.Dir(path), "..", "internal", "boot"))
	if err != nil {
		return nil, err
	}
	names := needCalls(file)
	ast.Inspect(file, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "boot" {
					names = append(names, helpers[sel.Sel.Name]...)
				}
			}
		}
		return true
	})
	if len(names) == 0 {
		return nil, fmt.Errorf("%s reads no environment variable through Need", path)
	}
	return names, nil
}

// bootNeeds maps each function of the boot package to the variables its
// body reads with Need.
func bootNeeds(dir string) (map[string][]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			return nil, err
		}
		for _, d := range file.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Body != nil {
				out[fn.Name.Name] = needCalls(fn.Body)
			}
		}
	}
	return out, nil
}

// needCalls lists the names of the Need("NAME") calls under n.
func needCalls(n ast.Node) []string {
	var names []string
	ast.Inspect(n, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		lit, isLit := call.Args[0].(*ast.BasicLit)
		if ok && sel.Sel.Name == "Need" && isLit && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				names = append(names, s)
			}
		}
		return true
	})
	return names
}

// alarmed reports whether an alarm watches metric of namespace with the
// dimension name equal to value and has an action.
func (c checker) alarmed(namespace, metric, dimension string, value any) bool {
	want, err := c.tpl.Resolve(value)
	if err != nil {
		return false
	}
	for _, id := range c.tpl.OfType("AWS::CloudWatch::Alarm") {
		p := c.tpl.Resources[id].Properties
		if p["Namespace"] != namespace || p["MetricName"] != metric || p["AlarmActions"] == nil {
			continue
		}
		dims, _ := p["Dimensions"].([]any)
		for _, d := range dims {
			m, _ := d.(map[string]any)
			if got, err := c.tpl.Resolve(m["Value"]); err == nil && m["Name"] == dimension && got == want {
				return true
			}
		}
	}
	return false
}

// config checks the configs the build bundles: each is valid as far as
// it can be without reading its secrets, and each secret the default one
// names is one every function that loads it may read.
func (c checker) config() []string {
	name, _ := c.tpl.Parameters["ConfigFile"]["Default"].(string)
	if name == "" {
		return []string{"parameter ConfigFile has no default"}
	}
	files, err := filepath.Glob(filepath.Join(c.root, "infra", "config", "*.yaml"))
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	found := false
	for _, path := range files {
		base := filepath.Base(path)
		data, err := os.ReadFile(path)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		refs, err := policy.Check(base, data)
		switch {
		case err != nil && base == name:
			out = append(out, fmt.Sprintf("the default config infra/config/%s does not load: %v", name, err))
		case err != nil:
			out = append(out, fmt.Sprintf("infra/config/%s, which the build bundles, does not load: %v", base, err))
		case base == name:
			out = append(out, c.secretsReadable(base, refs)...)
		}
		found = found || base == name
	}
	if !found {
		out = append(out, fmt.Sprintf("the default config infra/config/%s does not load: there is no such file", name))
	}
	return out
}

// secretsReadable checks that every function that loads the config may
// read each secret it names, as boot does at cold start.
func (c checker) secretsReadable(file string, refs []policy.SecretRef) []string {
	var out []string
	for _, id := range c.tpl.Functions() {
		f, err := c.tpl.Function(id)
		if err != nil || f.Environment["TIERLINE_CONFIG"] == nil {
			continue
		}
		stmts, err := c.tpl.Statements(id)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		for _, r := range refs {
			for _, call := range lambdatest.SecretCalls([]policy.SecretRef{r}) {
				if !slices.ContainsFunc(stmts, func(s templatetest.Statement) bool { return s.AllowsVia(call.Action, call.Resource, call.Via) }) {
					out = append(out, fmt.Sprintf("infra/config/%s names %s, which %s may not read (%s); keep the config's secrets under the stack's path (parameters SecretsPrefix and Stage)",
						file, r, id, call))
				}
			}
		}
	}
	return out
}
