package testenv_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tierline/tierline/internal/testenv"
)

// Ensure Root is the module root, where go.mod is.
func TestRoot(t *testing.T) {
	if _, err := os.Stat(filepath.Join(testenv.Root(t), "go.mod")); err != nil {
		t.Fatalf("Root() = %s has no go.mod: %v", testenv.Root(t), err)
	}
}

// Ensure Need lets a test go on when the component is there.
func TestNeedPresent(t *testing.T) {
	testenv.Need(t, true, "something", "nothing to do")
}
