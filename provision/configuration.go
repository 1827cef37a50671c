package provision

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// A configuration's identity (settings { name }, by default its directory's
// name) is written as the tag TagConfiguration on every resource it
// creates. It lets a plan find the clusters the configuration owns but no
// longer declares (a removed cluster block): they are listed in the
// regions the configuration uses and planned for destruction, first in the
// plan, which apply carries out only with --allow-cluster-deletion.
// Clusters of another configuration are never touched. Resources created
// before the tag existed are this configuration's when their cluster block
// is present; the next apply adds the tag (a tag update in the plan).

// removedReason is the reason of every change of a cluster that the
// configuration owns but no longer declares.
const removedReason = "its cluster block was removed from the configuration"

// removedConnectedReason is removedReason for a connected cluster.
const removedConnectedReason = "its connected_cluster block was removed from the configuration"

// removedReasonOf is the removal reason of cp's root.
func (cp *clusterPlan) removedReasonOf() string {
	if cp.root == connectedRoot {
		return removedConnectedReason
	}
	return removedReason
}

// discoverRemoved lists the clusters of every region the configuration
// uses and adds a clusterPlan for each one it owns (TagConfiguration is
// its name) but does not declare there. It runs before observation, which
// then reads them like every other cluster.
func (pl *planner) discoverRemoved(ctx context.Context, cfg *spec.Config) hcl.Diagnostics {
	if pl.name == "" {
		return nil
	}
	type region struct {
		clients  *Clients
		declared map[string]bool
	}
	regions := map[string]*region{}
	for _, cp := range pl.clusters {
		r := regions[cp.region]
		if r == nil {
			r = &region{clients: cp.clients, declared: map[string]bool{}}
			regions[cp.region] = r
		}
		r.declared[cp.spec.Name] = true
	}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		diags hcl.Diagnostics
		found []*clusterPlan
	)
	for name, r := range regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			removed, denied, err := pl.obs.removedClusters(ctx, r.clients.EKS, pl.name, r.declared)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				diags = append(diags, awsDiag(cfg.NameRange, fmt.Sprintf("Cannot list the clusters of %s", name), err))
				return
			}
			if len(denied) > 0 {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(cfg.NameRange),
					Summary: fmt.Sprintf("Cannot tell whether %d cluster(s) of %s are this configuration's", len(denied), name),
					Detail:  fmt.Sprintf("DescribeCluster was denied for %s, so eksctl-lite cannot see whether this configuration (%q) created them, and treats them as someone else's. If one of them is a cluster whose block you removed, allow eks:DescribeCluster on it to have it planned for destruction.", strings.Join(denied, ", "), pl.name)})
			}
			for _, c := range removed {
				cp := &clusterPlan{
					spec:    &spec.Cluster{Name: c.name, Region: name, DeclRange: cfg.NameRange},
					region:  name,
					clients: r.clients,
					removed: true,
					managed: map[string]string{}, // it wants no role any more
				}
				if c.connected {
					cp.root = connectedRoot
				}
				found = append(found, cp)
			}
		}()
	}
	wg.Wait()
	sort.Slice(found, func(i, j int) bool {
		return found[i].region+"/"+found[i].spec.Name < found[j].region+"/"+found[j].spec.Name
	})
	for _, cp := range found {
		if cp.root == connectedRoot {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(cfg.NameRange),
				Summary: fmt.Sprintf("Connected cluster %q is no longer in the configuration: this plan deregisters it", cp.spec.Name),
				Detail:  fmt.Sprintf("The connected cluster %q in %s carries %s = %q but no connected_cluster block of this configuration declares it, so this plan deregisters it from EKS (the external cluster itself is not touched). eksctl-lite apply and destroy do that only with --allow-cluster-deletion. To keep it, put its block back.", cp.spec.Name, cp.region, TagConfiguration, pl.name)})
			continue
		}
		what := fmt.Sprintf("EKS cluster %q in %s carries %s = %q but no cluster block of this configuration declares it, so this plan destroys it and everything eksctl-lite created in it. eksctl-lite apply and destroy do that only with --allow-cluster-deletion. To keep the cluster, put its cluster block back.", cp.spec.Name, cp.region, TagConfiguration, pl.name)
		if cfg.NameDefaulted {
			what += fmt.Sprintf(" The configuration's name %q comes from its directory: if another configuration in a directory of that name manages this cluster, give each one its own settings { name = \"...\" }.", pl.name)
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(cfg.NameRange),
			Summary: fmt.Sprintf("Cluster %q is no longer in the configuration: this plan destroys it", cp.spec.Name), Detail: what})
	}
	pl.clusters = append(pl.clusters, found...)
	return diags
}

// removedClusters returns the names of the clusters of one region that
// carry TagConfiguration = name and are not declared, and those it may not
// describe (AccessDenied: not its own). Clusters are read concurrently
// under the EKS read limit.
func (o *observer) removedClusters(ctx context.Context, api EKSAPI, name string, declared map[string]bool) (removed []removedCluster, denied []string, err error) {
	var names []string
	var token *string
	for {
		var out *eks.ListClustersOutput
		err := o.eks.call(ctx, func(ctx context.Context) (err error) {
			// "all": connected clusters too (RegisterCluster).
			out, err = api.ListClusters(ctx, &eks.ListClustersInput{NextToken: token, MaxResults: aws.Int32(100), Include: []string{"all"}})
			return err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("listing EKS clusters: %w", err)
		}
		names = append(names, out.Clusters...)
		if aws.ToString(out.NextToken) == "" {
			break
		}
		token = out.NextToken
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs errList
	)
	for _, n := range names {
		if declared[n] {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out *eks.DescribeClusterOutput
			err := o.eks.call(ctx, func(ctx context.Context) (err error) {
				out, err = api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(n)})
				return err
			})
			if notFoundErr(err) {
				return
			}
			if cause, ok := ClassifyAWSError(err); ok && cause.Kind == AccessDenied {
				// A cluster this identity may not read is not one it
				// created: another team's, in a shared account.
				mu.Lock()
				denied = append(denied, n)
				mu.Unlock()
				return
			}
			if err != nil {
				errs.add(fmt.Errorf("reading cluster %q: %w", n, err))
				return
			}
			t := out.Cluster.Tags
			if t[TagConfiguration] == name && t[TagCluster] == n {
				mu.Lock()
				removed = append(removed, removedCluster{name: n, connected: out.Cluster.ConnectorConfig != nil})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Strings(denied)
	return removed, denied, errs.err()
}

// removedCluster is a cluster, or a connected cluster, whose block the
// configuration no longer has.
type removedCluster struct {
	name      string
	connected bool
}

// otherConfiguration refuses a declared cluster that another configuration
// owns: it carries another TagConfiguration.
func (pl *planner) otherConfiguration(cp *clusterPlan) hcl.Diagnostics {
	c, live := cp.spec, cp.live.cluster
	if live == nil || pl.name == "" {
		return nil
	}
	if o := live.Tags[TagConfiguration]; o != "" && o != pl.name {
		return hcl.Diagnostics{errorDiag(c.DeclRange, fmt.Sprintf("Cluster %q belongs to another configuration", c.Name),
			fmt.Sprintf("The EKS cluster %q in %s carries %s = %q, so the eksctl-lite configuration named %q owns it, not this one (%q). eksctl-lite leaves it alone: rename this cluster block, or, if this configuration is meant to be %q, set settings { name = %q }.", c.Name, cp.region, TagConfiguration, o, o, pl.name, o, o))}
	}
	return nil
}

// ClusterDeletions lists the clusters whose blocks were removed and that
// the plan deletes, or deletes anything eksctl-lite created in (a cluster
// kept because of resources it does not own still loses its node groups,
// roles, ...), e.g. "b in eu-west-1". Apply and destroy carry such a plan
// out only with --allow-cluster-deletion: a block lost in a merge, or a
// file left out of the paths, must never delete a cluster's workloads.
func (p *Plan) ClusterDeletions() []string {
	seen := map[string]bool{}
	var out []string
	for _, ch := range p.Changes {
		if ch.Reason != removedReason && ch.Reason != removedConnectedReason || ch.Action == NoOp {
			continue
		}
		what := ch.Cluster + " in " + ch.Region
		if !seen[what] {
			seen[what] = true
			out = append(out, what)
		}
	}
	sort.Strings(out)
	return out
}
