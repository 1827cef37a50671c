package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is the release version, set at build time with
// go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

func init() { commands = append(commands, newVersionCommand) }

func newVersionCommand(*globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the eksctl-lite version",
		Long: `Version prints the version of eksctl-lite and of the Go toolchain that
built it. Include both in bug reports.`,
		Example: `  eksctl-lite version`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "eksctl-lite %s\n%s %s/%s\n",
				buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}

// buildVersion is version, or the module version when it was left at
// "dev" and the binary was built by go install module@version.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return version
}
