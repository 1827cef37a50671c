package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

func init() { commands = append(commands, newOutputCommand) }

func newOutputCommand(g *globalOptions) *cobra.Command {
	var (
		vars    varFlags
		asJSON  bool
		secrets bool
	)
	cmd := &cobra.Command{
		Use:   "output [PATH...]",
		Short: "Print what each live cluster has: endpoint, CA, OIDC, roles, add-ons",
		Long: `Output reads the live clusters of the configuration, as plan does (reads
only), and prints for each what the next step of a pipeline needs: its
ARN, endpoint, certificate authority data, OIDC issuer and IAM OIDC
provider ARN, cluster security group, the ARN of every IAM role
eksctl-lite manages for it, and its add-ons' versions; for a connected
cluster its status and activation. A block whose cluster does not exist
yet says so.

The activation code of a connected cluster is a secret: it is printed
only with --include-secrets (read from EKS then).

Exit status: 0 on success, 1 on error.`,
		Example: `  # Everything, as JSON, for a later job
  eksctl-lite output --json > outputs.json

  # The endpoint of cluster demo
  eksctl-lite output --json | jq -r '.[] | select(.cluster == "demo") | .endpoint'

  # A connected cluster's activation code, to install its agent
  eksctl-lite output --json --include-secrets | jq -r '.[] | select(.cluster == "onprem") | .activation_code'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, sig := handleInterrupts(ctx, cmd.ErrOrStderr(), "output")
			defer sig.release()
			plan, clients, err := loadAndPlan(ctx, cmd, g, &vars, args, provision.PlanOptions{Prices: provision.StaticPrices{}}, sig, nil)
			if err != nil {
				return err
			}
			outs := provision.Outputs(plan)
			if secrets {
				for _, o := range outs {
					if o.Kind != "connected_cluster" || !o.Exists {
						continue
					}
					c, err := clients(o.Region)
					if err != nil {
						return err
					}
					d, err := c.EKS.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(o.Cluster)})
					if err != nil {
						return &exitError{code: 1, err: fmt.Errorf("reading the activation of connected cluster %s: %w", o.Cluster, err)}
					}
					if cc := d.Cluster.ConnectorConfig; cc != nil {
						o.ActivationCode = aws.ToString(cc.ActivationCode)
					}
				}
			}
			stdout := cmd.OutOrStdout()
			if asJSON {
				e := json.NewEncoder(stdout)
				e.SetIndent("", "  ")
				return e.Encode(outs)
			}
			writeOutputs(stdout, outs)
			return nil
		},
	}
	vars.add(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array, one object per cluster")
	cmd.Flags().BoolVar(&secrets, "include-secrets", false, "include connected clusters' activation codes")
	return cmd
}

// writeOutputs prints outputs as aligned "name = value" lines per cluster.
func writeOutputs(w io.Writer, outs []*provision.ClusterOutput) {
	for i, o := range outs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s %q (%s)\n", o.Kind, o.Cluster, o.Region)
		if !o.Exists {
			fmt.Fprintln(w, "  (does not exist yet: run eksctl-lite apply)")
			continue
		}
		var lines [][2]string
		add := func(k, v string) {
			if v != "" {
				lines = append(lines, [2]string{k, v})
			}
		}
		add("arn", o.ARN)
		add("status", o.Status)
		add("version", o.Version)
		add("endpoint", o.Endpoint)
		add("certificate_authority_data", o.CertificateAuthority)
		add("oidc_issuer", o.OIDCIssuer)
		add("oidc_provider_arn", o.OIDCProviderARN)
		add("cluster_security_group_id", o.ClusterSecurityGroupID)
		add("activation_id", o.ActivationID)
		if o.ActivationExpiry != nil {
			add("activation_expiry", o.ActivationExpiry.UTC().Format(time.RFC3339))
		}
		add("activation_code", o.ActivationCode)
		for _, k := range sortedMapKeys(o.Roles) {
			add("role "+k, o.Roles[k])
		}
		for _, k := range sortedMapKeys(o.Addons) {
			add("addon "+k, o.Addons[k])
		}
		width := 0
		for _, l := range lines {
			width = max(width, len(l[0]))
		}
		for _, l := range lines {
			fmt.Fprintf(w, "  %-*s = %s\n", width, l[0], l[1])
		}
	}
}

func sortedMapKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
