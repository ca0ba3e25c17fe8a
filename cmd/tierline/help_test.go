package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Ensure -h and --help, of the CLI and of every command, print the usage
// to stdout and exit 0, and that a bad flag still exits 2 saying where
// help is.
func TestHelp(t *testing.T) {
	type helpCase struct {
		name string
		args []string
		code int
		want string // at the start of stdout (code 0) or in stderr
	}
	tests := []helpCase{
		{"tierline --help", []string{"--help"}, 0, "tierline: tiered support escalation"},
		{"tierline -h", []string{"-h"}, 0, "tierline: tiered support escalation"},
		{"tierline help", []string{"help"}, 0, "tierline: tiered support escalation"},
		{"tierline help show", []string{"help", "show"}, 0, "usage: tierline show ID"},
		{"tierline help list", []string{"help", "list"}, 0, "usage: tierline tickets"},
		{"a bad flag", []string{"tickets", "--bogus"}, 2, "flag provided but not defined: -bogus (see tierline tickets --help)"},
		{"serve with an argument", []string{"serve", "now"}, 2, `unexpected argument "now"`},
	}
	for _, c := range commands {
		tests = append(tests,
			helpCase{c.name + " --help", []string{c.name, "--help"}, 0, "usage: tierline " + c.name + " " + c.args},
			helpCase{c.name + " -h after an argument", []string{c.name, "x", "-h"}, 0, "usage: tierline " + c.name})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, &out, &errOut)
			if tc.code == 0 {
				if code != 0 || !strings.HasPrefix(out.String(), tc.want) || errOut.Len() > 0 {
					t.Fatalf("exit %d, stdout %q, stderr %q; want exit 0 and stdout starting %q", code, out.String(), errOut.String(), tc.want)
				}
				return
			}
			if code != tc.code || !strings.Contains(errOut.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d with %q", code, errOut.String(), tc.code, tc.want)
			}
		})
	}
}
