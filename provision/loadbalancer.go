package provision

// Load balancing: what the AWS Load Balancer Controller (which the user
// installs in the cluster; eksctl-lite installs no Kubernetes software)
// needs from AWS, and the subnet tags by which it, and EKS Auto Mode's
// load balancing, choose subnets.
//
//   - The controller's IAM role, with the policy AWS publishes for it
//     (lbc_iam_policy.json), reaches its service account through a Pod
//     Identity association or IRSA: this kind derives that pod_identity or
//     irsa block from the load_balancer_controller block in prepare, and
//     those kinds plan it, at this kind's addresses.
//   - Subnets: for a cluster with the controller or Auto Mode, the plan
//     reads the cluster's subnets and their route tables, and warns, per
//     subnet, when a public one lacks kubernetes.io/role/elb = 1 or a
//     private one kubernetes.io/role/internal-elb = 1 ("my Ingress has no
//     address"); with tag_subnets = true it adds the tag instead, an
//     aws_ec2_tag of this kind, and marks the subnet with a tag naming what
//     it added, so that it only ever removes its own.
//   - After apply: the one helm install command, with the cluster name,
//     region and VPC ID filled in (an Instruction of the plan).

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// lbcPolicy is the IAM policy AWS publishes for the AWS Load Balancer
// Controller: docs/install/iam_policy.json of
// github.com/kubernetes-sigs/aws-load-balancer-controller, as last changed
// on 2025-03-27 (commit 2f6ce5cfc51a) and unchanged at v3.5.0 (the newest
// tag on 2026-08-17). It names the aws partition; the other partitions'
// files differ only in that (LoadBalancerControllerPolicy rewrites it).
//
//go:embed lbc_iam_policy.json
var lbcPolicy string

// LoadBalancerControllerPolicy is the controller's IAM policy for region's
// partition, canonical.
func LoadBalancerControllerPolicy(region string) string {
	return mustCanonicalPolicy(strings.ReplaceAll(lbcPolicy, `"arn:aws:`, `"arn:`+partition(region)+`:`))
}

// LoadBalancerControllerAddress is the address of the controller's Pod
// Identity association (identity = "pod_identity"); its managed role is
// at .role, an irsa role at .irsa.
func LoadBalancerControllerAddress(cluster string) string {
	return ClusterAddress(cluster) + ".load_balancer_controller"
}

// LoadBalancerControllerRoleName is the name of the controller's managed role.
func LoadBalancerControllerRoleName(cluster, region string) string {
	return limitName("eksctl-lite-"+cluster+"-"+region+"-lbc", maxRoleName)
}

// lbcRoleAddress is the address of the controller's managed role.
func lbcRoleAddress(c *spec.Cluster) string {
	if c.LoadBalancerController.Identity == spec.IdentityIRSA {
		return LoadBalancerControllerAddress(c.Name) + ".irsa"
	}
	return LoadBalancerControllerAddress(c.Name) + ".role"
}

// withLoadBalancerController is c with the pod_identity or irsa block the
// load_balancer_controller block means. c itself is not modified.
func withLoadBalancerController(c *spec.Cluster, region string) *spec.Cluster {
	b := c.LoadBalancerController
	if b == nil {
		return c
	}
	cc := *c
	name := LoadBalancerControllerRoleName(c.Name, region)
	policy := LoadBalancerControllerPolicy(region)
	if b.Identity == spec.IdentityIRSA {
		if b.RoleARN != "" {
			return c // the user's role, trusting the OIDC provider as they set it up
		}
		cc.IRSA = append(append([]*spec.IRSA(nil), c.IRSA...), &spec.IRSA{
			Name: "load_balancer_controller", Address: lbcRoleAddress(c),
			Namespace: spec.LoadBalancerControllerNamespace, ServiceAccount: spec.LoadBalancerControllerServiceAccount,
			RoleName: name, InlinePolicy: policy, DeclRange: b.DeclRange,
		})
		return &cc
	}
	p := &spec.PodIdentity{
		Name: "load_balancer_controller", Address: LoadBalancerControllerAddress(c.Name),
		Namespace: spec.LoadBalancerControllerNamespace, ServiceAccount: spec.LoadBalancerControllerServiceAccount,
		RoleARN: b.RoleARN, DeclRange: b.DeclRange, Ranges: b.Ranges,
	}
	if b.RoleARN == "" {
		p.RoleName, p.InlinePolicy = name, policy
	}
	cc.PodIdentities = append(append([]*spec.PodIdentity(nil), c.PodIdentities...), p)
	return &cc
}

// The subnet role tags (EKS User Guide, "Route internet traffic with AWS
// Load Balancer Controller", subnet tagging; the same for Auto Mode).
const (
	publicSubnetTag   = "kubernetes.io/role/elb"
	privateSubnetTag  = "kubernetes.io/role/internal-elb"
	subnetMarkerTagOf = "eksctl-lite/subnet-tag/"
	// subnetTagValue is the value eksctl-lite gives a role tag.
	subnetTagValue = "1"
)

// subnetMarkerTag is the tag eksctl-lite puts beside a role tag it added
// for cluster: its value is the role tag's key.
func subnetMarkerTag(cluster string) string { return subnetMarkerTagOf + cluster }

// TypeSubnetTag is the JSON type of a subnet role tag eksctl-lite adds
// (Terraform's aws_ec2_tag: one tag on one EC2 resource).
const TypeSubnetTag Type = "aws_ec2_tag"

// SubnetTagAttrs are one subnet role tag's attributes.
type SubnetTagAttrs struct {
	SubnetID string `json:"resource_id"`
	Key      string `json:"key"`
	Value    string `json:"value"`
}

// subnetTagSchema: a tag is its subnet and key; another key (the subnet
// turned public or private) is another tag.
var subnetTagSchema = Schema{
	"resource_id": {ForceNew: true},
	"key":         {ForceNew: true},
	"value":       {},
}

// SubnetTagAddress is the address of the role tag eksctl-lite adds to subnet.
func SubnetTagAddress(cluster, subnet string) string {
	return LoadBalancerControllerAddress(cluster) + ".subnet_tag." + subnet
}

func (a *SubnetTagAttrs) physicalName() string { return a.SubnetID + " " + a.Key }

// subnetInfo is what the plan read of one of the cluster's subnets.
type subnetInfo struct {
	ID, VPC string
	Public  bool
	Tags    map[string]string
}

// roleTag is the role tag the subnet needs.
func (s subnetInfo) roleTag() string {
	if s.Public {
		return publicSubnetTag
	}
	return privateSubnetTag
}

// clusterSubnets is readClusterSubnets' answer: the cluster's subnets, in
// its order, or, when EC2 has no subnet of one of the IDs, what it said.
type clusterSubnets struct {
	list    []subnetInfo
	missing string
}

// wantsSubnets reports whether the cluster's subnets are read: it has the
// controller or Auto Mode enabled in its configuration.
func wantsSubnets(c *spec.Cluster) bool {
	return c.LoadBalancerController != nil || (c.AutoMode != nil && c.AutoMode.Enabled)
}

// readClusterSubnets reads the cluster's subnets and the route tables that
// say which are public (a route to an internet gateway, in the subnet's
// own route table or, without one, its VPC's main table), in one round
// trip: the subnets, the tables associated with them and every main table
// at once.
func readClusterSubnets(ctx context.Context, o *observer, cp *clusterPlan) (any, error) {
	c := cp.spec
	if cp.removed || !wantsSubnets(c) || len(c.VPC.SubnetIDs) == 0 {
		return nil, nil
	}
	api := cp.clients.EC2
	var (
		subnets        []ec2types.Subnet
		own, main      []ec2types.RouteTable
		errSub, errOwn error
		errMain        error
		wg             sync.WaitGroup
	)
	wg.Add(3)
	go func() {
		defer wg.Done()
		errSub = o.ec2.call(ctx, func(ctx context.Context) error {
			out, err := api.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: c.VPC.SubnetIDs})
			if err == nil {
				subnets = out.Subnets
			}
			return err
		})
	}()
	tables := func(into *[]ec2types.RouteTable, errp *error, f ec2types.Filter) {
		defer wg.Done()
		in := &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{f}}
		for {
			var out *ec2.DescribeRouteTablesOutput
			*errp = o.ec2.call(ctx, func(ctx context.Context) (err error) {
				out, err = api.DescribeRouteTables(ctx, in)
				return err
			})
			if *errp != nil {
				return
			}
			*into = append(*into, out.RouteTables...)
			if aws.ToString(out.NextToken) == "" {
				return
			}
			in.NextToken = out.NextToken
		}
	}
	go tables(&own, &errOwn, ec2types.Filter{Name: aws.String("association.subnet-id"), Values: c.VPC.SubnetIDs})
	go tables(&main, &errMain, ec2types.Filter{Name: aws.String("association.main"), Values: []string{"true"}})
	wg.Wait()
	var apiErr smithy.APIError
	if errors.As(errSub, &apiErr) && apiErr.ErrorCode() == "InvalidSubnetID.NotFound" {
		return clusterSubnets{missing: apiErr.ErrorMessage()}, nil
	}
	for _, err := range []error{errSub, errOwn, errMain} {
		if err != nil {
			return nil, fmt.Errorf("reading the subnets of cluster %q and their route tables: %w", c.Name, err)
		}
	}
	tableOf := map[string]ec2types.RouteTable{}
	mainOf := map[string]ec2types.RouteTable{}
	for _, t := range own {
		for _, a := range t.Associations {
			if id := aws.ToString(a.SubnetId); id != "" {
				tableOf[id] = t
			}
		}
	}
	for _, t := range main {
		mainOf[aws.ToString(t.VpcId)] = t
	}
	byID := map[string]subnetInfo{}
	for _, s := range subnets {
		id, vpc := aws.ToString(s.SubnetId), aws.ToString(s.VpcId)
		t, ok := tableOf[id]
		if !ok {
			t = mainOf[vpc]
		}
		byID[id] = subnetInfo{ID: id, VPC: vpc, Public: routesToInternet(t), Tags: ec2Tags(s.Tags)}
	}
	var out clusterSubnets
	for _, id := range c.VPC.SubnetIDs {
		if s, ok := byID[id]; ok {
			out.list = append(out.list, s)
		}
	}
	return out, nil
}

// routesToInternet reports whether a route table sends the default route
// to an internet gateway: its subnets are public.
func routesToInternet(t ec2types.RouteTable) bool {
	for _, r := range t.Routes {
		dest := aws.ToString(r.DestinationCidrBlock)
		if dest == "" {
			dest = aws.ToString(r.DestinationIpv6CidrBlock)
		}
		if (dest == "0.0.0.0/0" || dest == "::/0") && strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") {
			return true
		}
	}
	return false
}

// observeSubnetTags reads the role tags eksctl-lite added for cluster: the
// subnets carrying its marker tag, wherever they are (the cluster's
// subnets may have changed in the configuration since).
func observeSubnetTags(ctx context.Context, o *observer, api EC2API, cluster string, errs *errList) []*SubnetTagAttrs {
	in := &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{subnetMarkerTag(cluster)}}}}
	var out []*SubnetTagAttrs
	for {
		var page *ec2.DescribeSubnetsOutput
		err := o.ec2.call(ctx, func(ctx context.Context) (err error) {
			page, err = api.DescribeSubnets(ctx, in)
			return err
		})
		if err != nil {
			errs.add(fmt.Errorf("listing the subnets eksctl-lite tagged for cluster %q: %w", cluster, err))
			return nil
		}
		for _, s := range page.Subnets {
			tags := ec2Tags(s.Tags)
			key := tags[subnetMarkerTag(cluster)]
			out = append(out, &SubnetTagAttrs{SubnetID: aws.ToString(s.SubnetId), Key: key, Value: tags[key]})
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SubnetID < out[j].SubnetID })
	return out
}

// subnetTags are the cluster's live role tags eksctl-lite added.
func (lc *liveCluster) subnetTags() []*SubnetTagAttrs {
	return childrenOf[*SubnetTagAttrs](lc, TypeSubnetTag)
}

// planSubnetTags plans, for a cluster with the controller or Auto Mode,
// the role tag of each of its subnets: warned about when missing, or added
// with tag_subnets; tags eksctl-lite added that are no longer wanted are
// removed. It also plans the controller's helm install instruction.
func (pl *planner) planSubnetTags(cp *clusterPlan, _ useFunc) hcl.Diagnostics {
	c := cp.spec
	read, _ := cp.reads[TypeSubnetTag].(clusterSubnets)
	if read.missing != "" {
		return hcl.Diagnostics{errorDiag(c.AttrRange("vpc.subnet_ids"), fmt.Sprintf("A subnet of cluster %q does not exist", c.Name),
			fmt.Sprintf("EC2 in %s answers: %s. The cluster's subnets must exist (and the load balancers it makes go in them): give the IDs of subnets of your VPC.", cp.region, read.missing))}
	}
	subnets := read.list
	b := c.LoadBalancerController
	tagging := b != nil && b.TagSubnets
	live := map[string]*SubnetTagAttrs{}
	for _, t := range cp.live.subnetTags() {
		live[t.SubnetID] = t
	}
	var diags hcl.Diagnostics
	kept := map[string]bool{}
	who := "EKS Auto Mode"
	if b != nil {
		who = "The AWS Load Balancer Controller"
	}
	for _, s := range subnets {
		key := s.roleTag()
		cur := live[s.ID]
		if _, has := s.Tags[key]; has && (cur == nil || cur.Key != key) && !(tagging && otherMarker(s.Tags, c.Name, key)) {
			// Tagged already by someone else. Another cluster's
			// eksctl-lite tagging is shared instead (this cluster adds its
			// marker too), so that the tag stays while either needs it.
			continue
		}
		if !tagging {
			if cur == nil {
				diags = append(diags, subnetTagWarning(c, s, key, who))
			}
			continue
		}
		kept[s.ID] = true
		addr := SubnetTagAddress(c.Name, s.ID)
		after := &SubnetTagAttrs{SubnetID: s.ID, Key: key, Value: subnetTagValue}
		ch := &ResourceChange{Address: addr, Type: TypeSubnetTag, After: after, Action: Create}
		if cur != nil {
			ch.Before = cur
			ch.Diffs = diffAttrs(subnetTagSchema, cur, after, nil)
			ch.Action = actionOf(ch.Diffs)
			if ch.Action == Replace {
				ch.ReplacePaths = replacePaths(ch.Diffs)
				ch.Reason = forcesReason(ch.ReplacePaths)
			}
		}
		cp.add(ch)
	}
	for _, t := range cp.live.subnetTags() {
		if !kept[t.SubnetID] {
			cp.add(deleteSubnetTag(c.Name, t, "not in the configuration"))
		}
	}
	if b != nil {
		cp.instruct(lbcInstruction(cp, subnets))
	}
	return diags
}

// otherMarker reports whether another cluster's eksctl-lite marker on a
// subnet (tags) says it added key.
func otherMarker(tags map[string]string, cluster, key string) bool {
	for k, v := range tags {
		if strings.HasPrefix(k, subnetMarkerTagOf) && k != subnetMarkerTag(cluster) && v == key {
			return true
		}
	}
	return false
}

func subnetTagWarning(c *spec.Cluster, s subnetInfo, key, who string) *hcl.Diagnostic {
	kind, lb := "private", "internal load balancers"
	if s.Public {
		kind, lb = "public", "internet-facing load balancers"
	}
	fix := "set tag_subnets = true in the load_balancer_controller block, or add it yourself"
	rng := c.VPC.DeclRange
	if b := c.LoadBalancerController; b != nil {
		rng = b.DeclRange
	} else if c.AutoMode != nil {
		fix, rng = "add it", c.AutoMode.DeclRange
	}
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(rng),
		Summary: fmt.Sprintf("Subnet %s of cluster %q has no %s tag", s.ID, c.Name, key),
		Detail: fmt.Sprintf("%s puts %s only in %s subnets tagged %s = 1, and %s (in %s) is %s and untagged, so an Ingress or Service there may get no address. To fix it, %s: aws ec2 create-tags --resources %s --tags Key=%s,Value=1",
			who, lb, kind, key, s.ID, s.VPC, kind, fix, s.ID, key)}
}

func deleteSubnetTag(cluster string, t *SubnetTagAttrs, reason string) *ResourceChange {
	return &ResourceChange{Address: SubnetTagAddress(cluster, t.SubnetID), Type: TypeSubnetTag, Action: Delete, Before: t, Reason: reason}
}

// lbcInstruction is the command that installs the controller, with the
// cluster's name, region and VPC (from its subnets) filled in; with IRSA,
// the service account's role annotation too.
func lbcInstruction(cp *clusterPlan, subnets []subnetInfo) Instruction {
	c := cp.spec
	vpc := "VPC_ID"
	if len(subnets) > 0 {
		vpc = subnets[0].VPC
	}
	cmd := fmt.Sprintf("helm upgrade --install aws-load-balancer-controller aws-load-balancer-controller --repo https://aws.github.io/eks-charts --namespace %s --set clusterName=%s --set region=%s --set vpcId=%s --set serviceAccount.name=%s",
		spec.LoadBalancerControllerNamespace, c.Name, cp.region, vpc, spec.LoadBalancerControllerServiceAccount)
	in := Instruction{Cluster: c.Name, Region: cp.region, Summary: "install the AWS Load Balancer Controller", Command: cmd,
		Facts: map[string]string{"cluster_name": c.Name, "region": cp.region, "vpc_id": vpc,
			"namespace": spec.LoadBalancerControllerNamespace, "service_account": spec.LoadBalancerControllerServiceAccount}}
	switch b := c.LoadBalancerController; {
	case b.Identity == spec.IdentityIRSA && b.RoleARN != "":
		in.Command += ` --set serviceAccount.annotations."eks\.amazonaws\.com/role-arn"=` + b.RoleARN
		in.Facts["role_arn"] = b.RoleARN
	case b.Identity == spec.IdentityIRSA:
		in.Command += ` --set serviceAccount.annotations."eks\.amazonaws\.com/role-arn"=${role_arn}`
		in.Values = map[string]InstructionValue{"role_arn": {Address: lbcRoleAddress(c), Path: "arn"}}
	}
	return in
}

// subnetTagKind is the subnet role tag's contract with the engine, and
// the load_balancer_controller block's: its prepare derives the
// controller's pod_identity or irsa block.
func subnetTagKind() *kind {
	return &kind{
		typ:      TypeSubnetTag,
		schema:   subnetTagSchema,
		newAttrs: func() any { return &SubnetTagAttrs{} },
		nameKey:  "resource_id",
		apply:    applySubnetTag,
		weight:   time.Second,
		replace:  DeleteThenCreate,
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			for _, t := range o.cluster.subnetTags() {
				if SubnetTagAddress(ch.Cluster, t.SubnetID) == ch.Address {
					return t
				}
			}
			return nil
		},
		observe: func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any {
			return anySlice(observeSubnetTags(ctx, o, c.EC2, cluster, errs))
		},
		readForBlocks:    readClusterSubnets,
		blockReadFailure: "Cannot read the subnets",
		readsBeside:      true,
		prepare: func(_ *planner, cp *clusterPlan) hcl.Diagnostics {
			cp.spec = withLoadBalancerController(cp.spec, cp.region)
			return nil
		},
		plan: (*planner).planSubnetTags,
		destroy: func(_ *planner, cp *clusterPlan, reason string) {
			for _, t := range cp.live.subnetTags() {
				cp.add(deleteSubnetTag(cp.spec.Name, t, reason))
			}
		},
		noun: "subnet tag",
		wantsRoles: func(cp *clusterPlan) map[string]string {
			if b := cp.spec.LoadBalancerController; b != nil && b.RoleARN == "" {
				return map[string]string{lbcRoleAddress(cp.spec): LoadBalancerControllerRoleName(cp.spec.Name, cp.region)}
			}
			return nil
		},
		namesRole: func(c *spec.Cluster, arn string) string {
			if b := c.LoadBalancerController; b != nil && b.RoleARN == arn {
				return fmt.Sprintf("the role_arn of the load_balancer_controller of cluster %q names it", c.Name)
			}
			return ""
		},
		blockRange: func(c *spec.Cluster, address string) (hcl.Range, bool) {
			if b := c.LoadBalancerController; b != nil && strings.HasPrefix(address, LoadBalancerControllerAddress(c.Name)) {
				return b.DeclRange, true
			}
			return hcl.Range{}, false
		},
	}
}

// applySubnetTag adds the role tag and eksctl-lite's marker beside it, or
// removes both: the role tag only with the value eksctl-lite gave it.
func applySubnetTag(ctx context.Context, x *execution) (any, string, error) {
	add := func(a *SubnetTagAttrs) error {
		_, err := x.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{a.SubnetID}, Tags: []ec2types.Tag{
			{Key: aws.String(a.Key), Value: aws.String(a.Value)},
			{Key: aws.String(subnetMarkerTag(x.cluster)), Value: aws.String(a.Key)},
		}})
		if err != nil {
			return fmt.Errorf("tagging subnet %s with %s: %w", a.SubnetID, a.Key, err)
		}
		return nil
	}
	remove := func(a *SubnetTagAttrs) error {
		// Only this cluster's marker when another cluster's says it needs
		// the tag too; and the tag only with the value eksctl-lite gave it.
		tags := []ec2types.Tag{{Key: aws.String(subnetMarkerTag(x.cluster))}}
		out, err := x.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{a.SubnetID}})
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && strings.HasSuffix(apiErr.ErrorCode(), ".NotFound") {
			return nil // the subnet is gone, and its tags with it
		}
		if err != nil {
			return fmt.Errorf("reading subnet %s: %w", a.SubnetID, err)
		}
		if len(out.Subnets) == 0 || !otherMarker(ec2Tags(out.Subnets[0].Tags), x.cluster, a.Key) {
			// With the value eksctl-lite gives it: one changed since is the
			// user's, and EC2 keeps it.
			tags = append(tags, ec2types.Tag{Key: aws.String(a.Key), Value: aws.String(subnetTagValue)})
		}
		_, err = x.ec2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{a.SubnetID}, Tags: tags})
		var api smithy.APIError
		if err != nil && !(errors.As(err, &api) && strings.HasSuffix(api.ErrorCode(), ".NotFound")) {
			return fmt.Errorf("removing tag %s from subnet %s: %w", a.Key, a.SubnetID, err)
		}
		return nil
	}
	switch x.c.Action {
	case Create, Update:
		a := x.after.(*SubnetTagAttrs)
		return a, a.SubnetID, add(a)
	case Replace:
		a := x.after.(*SubnetTagAttrs)
		if err := remove(x.c.Before.(*SubnetTagAttrs)); err != nil {
			return nil, "", err
		}
		return a, a.SubnetID, add(a)
	case Delete:
		return nil, "", remove(x.c.Before.(*SubnetTagAttrs))
	}
	b, _ := x.c.Before.(*SubnetTagAttrs)
	return b, "", nil
}
