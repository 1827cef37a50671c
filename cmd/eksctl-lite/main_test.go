package main

import (
	"os"
	"testing"
)

// TestMain runs the command tests as outside any CI: on GitHub Actions the
// commands would also print annotations and write the step summary, which
// the tests that want it set themselves.
func TestMain(m *testing.M) {
	for _, name := range []string{"GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE"} {
		os.Unsetenv(name)
	}
	os.Exit(m.Run())
}
