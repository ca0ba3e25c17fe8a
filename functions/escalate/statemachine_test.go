package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tierline/tierline/internal/testenv"
)

// aslPath is the state machine the template deploys.
func aslPath(t *testing.T) string {
	return filepath.Join(testenv.Root(t), "infra", "escalation.asl.json")
}

// errorTypeName is the errorType aws-lambda-go reports for err: the name of
// its type, behind a pointer if it is one (lambda/errors.go).
func errorTypeName(err error) string {
	typ := reflect.TypeOf(err)
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	return typ.Name()
}

// errorProblems checks a state machine definition against the handler's
// error types: every error it names (other than States.* and Lambda.*)
// is one the handler returns, TransientError is retried, and each error
// type is either named or caught by a States.ALL catch.
func errorProblems(def []byte) []string {
	var sm struct {
		States map[string]struct {
			Type  string
			Retry []struct{ ErrorEquals []string }
			Catch []struct{ ErrorEquals []string }
		}
	}
	if err := json.Unmarshal(def, &sm); err != nil {
		return []string{err.Error()}
	}
	ours := map[string]bool{}
	for _, e := range errorTypes {
		ours[errorTypeName(e)] = true
	}
	var problems []string
	named, retried := map[string]bool{}, map[string]bool{}
	catchAll := false
	for name, s := range sm.States {
		var lists [][]string
		for _, r := range s.Retry {
			lists = append(lists, r.ErrorEquals)
			for _, e := range r.ErrorEquals {
				retried[e] = true
			}
		}
		for _, c := range s.Catch {
			lists = append(lists, c.ErrorEquals)
			catchAll = catchAll || slices.Contains(c.ErrorEquals, "States.ALL")
		}
		for _, l := range lists {
			for _, e := range l {
				named[e] = true
				if !strings.HasPrefix(e, "States.") && !strings.HasPrefix(e, "Lambda.") && !ours[e] {
					problems = append(problems, fmt.Sprintf("state %s names error %q, which the escalate handler never returns", name, e))
				}
			}
		}
	}
	if !retried["TransientError"] {
		problems = append(problems, "no Retry names TransientError: a store outage would fail the escalation")
	}
	for e := range ours {
		if !named[e] && !catchAll {
			problems = append(problems, fmt.Sprintf("error %s is neither named nor caught by States.ALL", e))
		}
	}
	slices.Sort(problems)
	return problems
}

// Ensure the error names of the state machine's Retry and Catch are the
// error types the escalate handler returns, and that the check catches a
// state machine that drifted from them.
func TestErrorTypesMatchTheStateMachine(t *testing.T) {
	def, err := os.ReadFile(aslPath(t))
	if err != nil {
		t.Fatal(err)
	}
	if p := errorProblems(def); len(p) != 0 {
		t.Fatalf("infra/escalation.asl.json and errors.go disagree:\n%s", strings.Join(p, "\n"))
	}
	for _, m := range []struct{ name, old, new string }{
		// Ensure a renamed error type in the ASL is caught.
		{"renamed", `"TransientError"`, `"TransientErr"`},
		// Ensure dropping the retry of TransientError is caught.
		{"not_retried", `"ErrorEquals": ["TransientError", `, `"ErrorEquals": [`},
		// Ensure removing the catch-all leaves InputError and InternalError unhandled.
		{"no_catch_all", `"States.ALL"`, `"States.TaskFailed"`},
	} {
		if !strings.Contains(string(def), m.old) {
			t.Fatalf("mutation %s: %q is not in the ASL any more", m.name, m.old)
		}
		if p := errorProblems([]byte(strings.Replace(string(def), m.old, m.new, 1))); len(p) == 0 {
			t.Errorf("mutation %s was not caught", m.name)
		}
	}
}

// Ensure asl-validator accepts the state machine and refuses a broken
// copy (a transition to a state that does not exist).
func TestStateMachineValidates(t *testing.T) {
	node := testenv.Node22(t)
	validator := testenv.Infra(t, "asl-validator/dist/bin/asl-validator.js")
	def, err := os.ReadFile(aslPath(t))
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.asl.json")
	os.WriteFile(broken, []byte(strings.Replace(string(def), `"Next": "IsDone"`, `"Next": "IsDon"`, 1)), 0o644)
	for path, valid := range map[string]bool{aslPath(t): true, broken: false} {
		out, err := exec.Command(node, validator, "--json-path", path).CombinedOutput()
		if (err == nil) != valid {
			t.Errorf("asl-validator on %s: %v\n%s", filepath.Base(path), err, out)
		}
	}
}
