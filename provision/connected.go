package provision

// A connected cluster (a connected_cluster block): a Kubernetes cluster
// outside EKS (EKS Anywhere, EKS Distro, another cloud's) registered with
// EKS through EKS Connector (RegisterCluster), so that the EKS console
// shows it, read-only. It is a root of its own (kind.root connectedRoot):
// no EKS child of a cluster block plans in it; the role kind does (the
// managed connector agent role).
//
// EKS shows a registration PENDING until the agent, installed in the
// external cluster with the activation ID and code, connects; the code
// expires three days after registration. A PENDING registration whose
// activation expired is replaced (deregistered and registered again, with
// that reason). The activation code is a secret: it is never in a plan
// (text or JSON), only in EKS's answer to DescribeCluster, which the
// instruction reads when the user runs it.

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// TypeConnectedCluster is the JSON type of a connected cluster (an
// eksctl-lite type: Terraform has none).
const TypeConnectedCluster Type = "aws_eks_connected_cluster"

// connectorAPI is the part of the EKS API connected clusters use besides
// DescribeCluster and tagging (part of EKSAPI).
type connectorAPI interface {
	RegisterCluster(context.Context, *eks.RegisterClusterInput, ...func(*eks.Options)) (*eks.RegisterClusterOutput, error)
	DeregisterCluster(context.Context, *eks.DeregisterClusterInput, ...func(*eks.Options)) (*eks.DeregisterClusterOutput, error)
}

// ConnectedClusterAttrs are a connected cluster's attributes.
type ConnectedClusterAttrs struct {
	Name     string            `json:"name"`
	ARN      string            `json:"arn,omitempty"`
	Provider string            `json:"provider"`
	RoleARN  string            `json:"role_arn"`
	Tags     map[string]string `json:"tags"`
	// What EKS reports: PENDING until the agent connects, then ACTIVE;
	// the activation's ID and expiry (never its code). Not attributes.
	Status           string     `json:"status,omitempty"`
	ActivationID     string     `json:"activation_id,omitempty"`
	ActivationExpiry *time.Time `json:"activation_expiry,omitempty"`
	// EKSCluster says the name is an EKS cluster's, not a connected
	// cluster's (observed only; the plan refuses).
	EKSCluster bool `json:"-"`
}

// connectedSchema: a registration's provider and role are fixed (EKS has no
// call that changes them): another is a new registration; tags change in
// place.
var connectedSchema = Schema{
	"provider": {ForceNew: true},
	"role_arn": {ForceNew: true},
	"tags":     {},
}

// ConnectedClusterAddress is the address of a connected_cluster block.
func ConnectedClusterAddress(name string) string { return "connected_cluster." + name }

// ConnectorRoleAddress is the address of a connected cluster's managed
// connector agent role.
func ConnectorRoleAddress(name string) string {
	return ConnectedClusterAddress(name) + ".connector_role"
}

// ConnectorRoleName is the name of the managed connector agent role.
func ConnectorRoleName(cluster, region string) string {
	return limitName("eksctl-lite-"+cluster+"-"+region+"-connector", maxRoleName)
}

// ConnectorAgentPolicy is the inline policy of the managed connector
// agent role, the one the EKS User Guide ("Amazon EKS connector IAM role")
// puts on AmazonEKSConnectorAgentRole as its AmazonEKSConnectorAgentPolicy
// (an inline policy: AWS has no managed policy of that name): the SSM
// message channels the agent opens. The role is trusted by
// ssm.amazonaws.com.
func ConnectorAgentPolicy(region string) string {
	return mustCanonicalPolicy(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"SsmControlChannel","Effect":"Allow","Action":["ssmmessages:CreateControlChannel"],"Resource":"arn:%s:eks:*:*:cluster/*"},`+
		`{"Sid":"ssmDataplaneOperations","Effect":"Allow","Action":["ssmmessages:CreateDataChannel","ssmmessages:OpenDataChannel","ssmmessages:OpenControlChannel"],"Resource":"*"}]}`,
		partition(region)))
}

func (a *ConnectedClusterAttrs) physicalName() string { return a.Name }
func (a *ConnectedClusterAttrs) usedRoleARN() string  { return a.RoleARN }

// refValue: a connected cluster gives its activation ID and expiry to the
// instruction that installs its agent, its ARN otherwise.
func (a *ConnectedClusterAttrs) refValue(path string, _ any) (string, error) {
	switch path {
	case "activation_id":
		return a.ActivationID, nil
	case "activation_expiry":
		if a.ActivationExpiry == nil {
			return "", nil
		}
		return a.ActivationExpiry.UTC().Format(time.RFC3339), nil
	}
	return a.ARN, nil
}

func (a *ConnectedClusterAttrs) internalKeys() []string {
	return []string{"arn", "status", "activation_id", "activation_expiry"}
}

// renewal says why a registration must be made again, "" when it need
// not: one waiting for an agent whose activation has expired (EKS: "If
// the manifest isn't applied within three days, the connected cluster will
// no longer be visible and must be deregistered"), or one EKS reports
// FAILED.
func (a *ConnectedClusterAttrs) renewal(now time.Time) string {
	expiredAt := func() string {
		if a.ActivationExpiry == nil {
			return ""
		}
		return " on " + a.ActivationExpiry.UTC().Format("2006-01-02 15:04 MST")
	}
	switch {
	case a.Status == string(ekstypes.ClusterStatusPending) && a.ActivationExpiry != nil && !a.ActivationExpiry.After(now):
		return "its activation expired" + expiredAt() + " without the agent connecting: registered again, with a new activation"
	case a.Status == string(ekstypes.ClusterStatusFailed) && a.ActivationExpiry != nil && !a.ActivationExpiry.After(now):
		return "its activation expired" + expiredAt() + " without the agent connecting (EKS reports it FAILED): registered again, with a new activation"
	case a.Status == string(ekstypes.ClusterStatusFailed):
		return "EKS reports the registration FAILED: registered again, with a new activation"
	}
	return ""
}

// connectedFromAWS converts DescribeCluster's answer for a connected
// cluster; an EKS cluster of the name is marked as such.
func connectedFromAWS(c *ekstypes.Cluster) *ConnectedClusterAttrs {
	a := &ConnectedClusterAttrs{Name: aws.ToString(c.Name), ARN: aws.ToString(c.Arn), Tags: liveTags(c.Tags), Status: string(c.Status)}
	cc := c.ConnectorConfig
	if cc == nil {
		a.EKSCluster = true
		return a
	}
	a.Provider, a.RoleARN = aws.ToString(cc.Provider), aws.ToString(cc.RoleArn)
	a.ActivationID, a.ActivationExpiry = aws.ToString(cc.ActivationId), cc.ActivationExpiry
	return a
}

// observeConnected reads the connected cluster name: none when absent.
func observeConnected(ctx context.Context, o *observer, api EKSAPI, name string, errs *errList) []*ConnectedClusterAttrs {
	var out *eks.DescribeClusterOutput
	err := o.eks.call(ctx, func(ctx context.Context) (err error) {
		out, err = api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
		return err
	})
	if notFoundErr(err) {
		return nil
	}
	if err != nil {
		errs.add(fmt.Errorf("reading connected cluster %q: %w", name, err))
		return nil
	}
	return []*ConnectedClusterAttrs{connectedFromAWS(out.Cluster)}
}

// connectedCluster is the live connected cluster of cp, nil when none.
func (lc *liveCluster) connectedCluster() *ConnectedClusterAttrs {
	if l := childrenOf[*ConnectedClusterAttrs](lc, TypeConnectedCluster); len(l) > 0 {
		return l[0]
	}
	return nil
}

// planConnected plans a connected_cluster block: registered, kept,
// re-tagged, replaced (a new provider or role, or an expired activation),
// refusing a name that is an EKS cluster's or a registration eksctl-lite
// does not own (never deregistered).
func (pl *planner) planConnected(cp *clusterPlan) hcl.Diagnostics {
	cc := cp.connected
	addr := ConnectedClusterAddress(cc.Name)
	live := cp.live.connectedCluster()
	refs, changing := map[string]string{}, map[string]bool{}
	roleARN := cc.RoleARN
	var deps []string
	if roleARN == "" {
		roleAddr := ConnectorRoleAddress(cc.Name)
		arn, creating, d := pl.planRole(cp, roleAddr, &RoleAttrs{
			Name: ConnectorRoleName(cc.Name, cp.region), Path: RolePath,
			AssumeRolePolicy: serviceTrustPolicy("ssm.amazonaws.com"),
			InlinePolicy:     ConnectorAgentPolicy(cp.region),
			Tags:             cp.ownedTags(cc.Tags, roleAddr),
		}, nil, nil, cc.DeclRange)
		if d.HasErrors() {
			return d
		}
		roleARN, deps = arn, []string{roleAddr}
		if arn == KnownAfterApply {
			refs["role_arn"] = roleAddr
		}
		changing["role_arn"] = creating
	}
	after := &ConnectedClusterAttrs{Name: cc.Name, Provider: cc.Provider, RoleARN: roleARN, Tags: cp.ownedTags(cc.Tags, addr)}
	ch := &ResourceChange{Address: addr, Type: TypeConnectedCluster, After: after, DependsOn: deps}
	if len(refs) > 0 {
		ch.Refs = refs
	}
	switch {
	case live == nil:
		ch.Action = Create
	case live.EKSCluster:
		return hcl.Diagnostics{errorDiag(cc.DeclRange, fmt.Sprintf("%q is an EKS cluster", cc.Name),
			fmt.Sprintf("An Amazon EKS cluster named %q exists in %s, and EKS clusters and connected clusters share their names in a region. Rename this connected_cluster block.", cc.Name, cp.region))}
	case owner(live.Tags) != cc.Name && !pl.opts.Adopt:
		return hcl.Diagnostics{errorDiag(cc.DeclRange, fmt.Sprintf("Connected cluster %q exists but is not managed by eksctl-lite", cc.Name),
			fmt.Sprintf("A connected cluster named %q is registered in %s, and eksctl-lite did not register it (it has no %s = %q tag). eksctl-lite never changes or deregisters a registration it does not own. Run again with --adopt to manage it from this block (the plan shows every difference, and refuses to re-register it), or rename this block.", cc.Name, cp.region, TagCluster, cc.Name))}
	default:
		ch.Before = live
		ch.Diffs = diffAttrs(connectedSchema, live, after, changing)
		ch.Action = actionOf(ch.Diffs)
		adopting := owner(live.Tags) != cc.Name
		switch {
		case live.renewal(pl.opts.today()) != "" && ch.Action != Replace:
			ch.Action = Replace
			ch.Reason = live.renewal(pl.opts.today())
		case ch.Action == Replace:
			ch.ReplacePaths = replacePaths(ch.Diffs)
			ch.Reason = forcesReason(ch.ReplacePaths)
		default:
			ch.Steps = tagSteps("TagResource", "UntagResource", live.Tags, after.Tags)
		}
		if adopting && ch.Action == Replace {
			return hcl.Diagnostics{errorDiag(cc.DeclRange, fmt.Sprintf("Cannot adopt connected cluster %q", cc.Name),
				fmt.Sprintf("Adopting the connected cluster %q would register it again (%s), deregistering a registration eksctl-lite did not make. Make the block match it (provider %q, role_arn %q), or deregister it yourself.", cc.Name, ch.Reason, live.Provider, live.RoleARN))}
		}
		if adopting {
			ch.Reason = "adopting an existing connected cluster"
		}
	}
	cp.add(ch)
	// Until its agent connects (and again once re-registered).
	if live == nil || live.Status != string(ekstypes.ClusterStatusActive) || ch.Action == Replace {
		cp.instruct(connectorInstruction(cp))
	}
	return nil
}

// connectorInstruction is the command that installs the EKS Connector
// agent in the external cluster (EKS User Guide, "Connect an external
// Kubernetes cluster to the Amazon EKS Management Console", Helm chart),
// with the activation ID filled in and the code read from EKS when the
// command runs (DescribeCluster's connectorConfig; also given by
// eksctl-lite output --include-secrets), so that it never appears in
// eksctl-lite's plan or apply output. helm upgrade --install, so that
// running it again (after a re-registration) works.
func connectorInstruction(cp *clusterPlan) Instruction {
	name := cp.connected.Name
	addr := ConnectedClusterAddress(name)
	return Instruction{
		Cluster: name, Region: cp.region,
		Summary: "install the EKS Connector agent in the external cluster, before its activation expires at ${activation_expiry}",
		Command: fmt.Sprintf("helm upgrade --install eks-connector oci://public.ecr.aws/eks-connector/eks-connector-chart --namespace eks-connector --create-namespace --set eks.activationId=${activation_id} --set eks.activationCode=\"$(aws eks describe-cluster --region %s --name %s --query cluster.connectorConfig.activationCode --output text)\" --set eks.agentRegion=%s", cp.region, name, cp.region),
		Values: map[string]InstructionValue{
			"activation_id":     {Address: addr, Path: "activation_id"},
			"activation_expiry": {Address: addr, Path: "activation_expiry"},
		},
		Facts: map[string]string{"cluster_name": name, "region": cp.region},
	}
}

// destroyConnected deregisters the connected cluster when this block (or
// a removed one) registered it.
func (pl *planner) destroyConnected(cp *clusterPlan, reason string) {
	live := cp.live.connectedCluster()
	if live == nil || live.EKSCluster || owner(live.Tags) != cp.spec.Name {
		return
	}
	ch := &ResourceChange{Address: ConnectedClusterAddress(cp.spec.Name), Type: TypeConnectedCluster, Action: Delete, Before: live, Reason: reason}
	ch.DependsOn = append(ch.DependsOn, cp.roleDeps(pl.liveRoles(), live.RoleARN)...)
	cp.add(ch)
}

// connectedKind is the connected cluster's contract with the engine.
func connectedKind() *kind {
	return &kind{
		typ:           TypeConnectedCluster,
		root:          connectedRoot,
		schema:        connectedSchema,
		newAttrs:      func() any { return &ConnectedClusterAttrs{} },
		nameKey:       "name",
		apply:         applyConnected,
		weight:        5 * time.Second,
		replace:       DeleteThenCreate,
		replaceDetail: "deregistered, then registered again",
		findLive: func(o *freshObservation, _ *ResourceChange) any {
			if c := o.cluster.connectedCluster(); c != nil {
				return c
			}
			return nil
		},
		observe: func(ctx context.Context, o *observer, c *Clients, name string, errs *errList) []any {
			return anySlice(observeConnected(ctx, o, c.EKS, name, errs))
		},
		plan: func(pl *planner, cp *clusterPlan, _ useFunc) hcl.Diagnostics {
			return pl.planConnected(cp)
		},
		destroy: func(pl *planner, cp *clusterPlan, reason string) { pl.destroyConnected(cp, reason) },
		noun:    "connected cluster",
		wantsRoles: func(cp *clusterPlan) map[string]string {
			if cc := cp.connected; cc != nil && cc.RoleARN == "" {
				return map[string]string{ConnectorRoleAddress(cc.Name): ConnectorRoleName(cc.Name, cp.region)}
			}
			return nil
		},
		namesRole: func(c *spec.Cluster, arn string) string {
			// c is the connected cluster as a cluster (connectedPlans).
			if c.RoleARN != "" && c.RoleARN == arn {
				return fmt.Sprintf("the role_arn of connected_cluster %q names it", c.Name)
			}
			return ""
		},
	}
}

// connectedPlans are the plans of the connected_cluster blocks: each a
// root of its own, whose spec holds the block's name, region, role and
// tags as a cluster's (for the engine's ownership and role bookkeeping).
//
// EKS clusters and connected clusters share their names in a region:
// validate refuses two blocks of one name and one written region, and this
// refuses them once the regions are resolved (one written, one from the
// AWS configuration), before anything is planned.
func connectedPlans(clients ClientsFactory, cfg *spec.Config, clusters []*clusterPlan) ([]*clusterPlan, hcl.Diagnostics) {
	var out []*clusterPlan
	var diags hcl.Diagnostics
	for _, cc := range cfg.ConnectedClusters {
		cl, region, err := resolveRegion(clients, cc.Region)
		if err != nil {
			diags = append(diags, errorDiag(cc.DeclRange, fmt.Sprintf("No AWS region for connected cluster %q", cc.Name), err.Error()))
			continue
		}
		clash := false
		for _, cp := range clusters {
			if cp.spec.Name == cc.Name && cp.region == region {
				diags = append(diags, errorDiag(cc.DeclRange, fmt.Sprintf("Duplicate cluster name %q in %s", cc.Name, region),
					fmt.Sprintf("The cluster block at %s is in %s too, and EKS clusters and connected clusters share their names in a region. Rename one of them.", cp.spec.DeclRange, region)))
				clash = true
			}
		}
		if clash {
			continue
		}
		out = append(out, &clusterPlan{
			spec:   &spec.Cluster{Name: cc.Name, Region: cc.Region, RoleARN: cc.RoleARN, Tags: cc.Tags, DeclRange: cc.DeclRange},
			region: region, clients: cl, config: cfg.Name, connected: cc, root: connectedRoot,
		})
	}
	return out, diags
}
