package main

import (
	"os"
	"strings"
	"testing"
)

// The README's GitHub Actions workflow runs eksctl-lite commands: each
// one names a command that exists, with flags it has, so that the
// workflow works as written.
func TestREADMEWorkflowCommandsParse(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "A complete GitHub Actions workflow")
	if i < 0 {
		t.Fatal("the README has no GitHub Actions workflow")
	}
	start := strings.Index(s[i:], "```yaml\n")
	end := strings.Index(s[i+start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("the workflow is not a yaml block")
	}
	workflow := s[i+start+8 : i+start+8+end]
	n := 0
	for _, line := range strings.Split(workflow, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(line), "- "), "run:"))
		if !strings.HasPrefix(line, "eksctl-lite ") {
			continue
		}
		if k := strings.IndexAny(line, ">|"); k >= 0 {
			line = line[:k]
		}
		args := strings.Fields(line)[1:]
		root := newRootCommand()
		cmd, rest, err := root.Find(args)
		if err != nil || cmd == root {
			t.Errorf("%q: no such command (%v)", line, err)
			continue
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Errorf("%q: %v", line, err)
		}
		n++
	}
	if n < 5 {
		t.Errorf("only %d eksctl-lite commands found in the workflow", n)
	}
}
