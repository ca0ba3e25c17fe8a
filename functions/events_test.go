package functions_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tierline/tierline/internal/testenv"
)

// Ensure every sample of events/lambda/ is replayed by the tests of the
// function it triggers, so that a sample nobody reads cannot rot.
func TestEverySampleIsReplayed(t *testing.T) {
	root := testenv.Root(t)
	samples, err := filepath.Glob(filepath.Join(root, "events", "lambda", "*.json"))
	if err != nil || len(samples) == 0 {
		t.Fatalf("no samples in events/lambda (%v)", err)
	}
	tests := map[string]string{} // function directory → its tests' text
	dirs, _ := filepath.Glob(filepath.Join(root, "functions", "*", "*_test.go"))
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tests[filepath.Base(filepath.Dir(f))] += string(b)
	}
	for _, s := range samples {
		name := filepath.Base(s)
		fn, _, _ := strings.Cut(name, "-") // api-hook.json is the api function's
		text, ok := tests[fn]
		switch {
		case !ok:
			t.Errorf("%s: no function %s; name samples <function>-<what>.json", name, fn)
		case !strings.Contains(text, `"`+name+`"`):
			t.Errorf("%s: the tests of functions/%s never read it", name, fn)
		}
	}
}
