package provision

// The fake account's access entries and access policy associations, with
// the rules the emulator enforces (integration/emulator/eks_access.py):
// a cluster in CONFIG_MAP mode refuses every call (InvalidRequestException);
// one entry per principal (ResourceInUseException); EC2_LINUX and
// EC2_WINDOWS entries take no Kubernetes groups and no access policies;
// a namespace scope needs namespaces, a cluster scope takes none; only the
// policies ListAccessPolicies lists exist; associating a policy again
// replaces its scope. Like EKS it makes entries by itself: for the node
// roles of managed node groups, the pod execution roles of Fargate
// profiles, and the cluster's creator (with AmazonEKSClusterAdminPolicy),
// and records as violations any change to or deletion of those.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// testCreator is the principal that creates the fake account's clusters.
const testCreator = "arn:aws:iam::" + testAccount + ":user/creator"

// testAccessPolicies are the access policies of the fake account.
var testAccessPolicies = []string{"AmazonEKSAdminPolicy", "AmazonEKSAdminViewPolicy", "AmazonEKSClusterAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"}

func testPolicyARN(name string) string { return "arn:aws:eks::aws:cluster-access-policy/" + name }

// fakeEntry is an access entry with its associations.
type fakeEntry struct {
	e *ekstypes.AccessEntry
	// clusterObj is the cluster the entry belongs to: entries go with it.
	clusterObj *eksObject
	policies   map[string]ekstypes.AssociatedAccessPolicy // by policy ARN
	// auto marks an entry EKS made by itself.
	auto bool
	// seen, on a cluster's eksObject, are the roles EKS made an entry for.
	seen map[string]bool
}

// fakeAccessEKS holds the function fields of the access entry calls
// (embedded in fakeEKS).
type fakeAccessEKS struct {
	listAccessEntriesFn            func(context.Context, *eks.ListAccessEntriesInput) (*eks.ListAccessEntriesOutput, error)
	describeAccessEntryFn          func(context.Context, *eks.DescribeAccessEntryInput) (*eks.DescribeAccessEntryOutput, error)
	createAccessEntryFn            func(context.Context, *eks.CreateAccessEntryInput) (*eks.CreateAccessEntryOutput, error)
	updateAccessEntryFn            func(context.Context, *eks.UpdateAccessEntryInput) (*eks.UpdateAccessEntryOutput, error)
	deleteAccessEntryFn            func(context.Context, *eks.DeleteAccessEntryInput) (*eks.DeleteAccessEntryOutput, error)
	listAssociatedAccessPoliciesFn func(context.Context, *eks.ListAssociatedAccessPoliciesInput) (*eks.ListAssociatedAccessPoliciesOutput, error)
	associateAccessPolicyFn        func(context.Context, *eks.AssociateAccessPolicyInput) (*eks.AssociateAccessPolicyOutput, error)
	disassociateAccessPolicyFn     func(context.Context, *eks.DisassociateAccessPolicyInput) (*eks.DisassociateAccessPolicyOutput, error)
	listAccessPoliciesFn           func(context.Context, *eks.ListAccessPoliciesInput) (*eks.ListAccessPoliciesOutput, error)
}

func (f *fakeAccessEKS) ListAccessEntries(ctx context.Context, in *eks.ListAccessEntriesInput, _ ...func(*eks.Options)) (*eks.ListAccessEntriesOutput, error) {
	if f.listAccessEntriesFn == nil {
		panic(fmt.Sprintf("unexpected call ListAccessEntries(%+v)", in))
	}
	return f.listAccessEntriesFn(ctx, in)
}

func (f *fakeAccessEKS) DescribeAccessEntry(ctx context.Context, in *eks.DescribeAccessEntryInput, _ ...func(*eks.Options)) (*eks.DescribeAccessEntryOutput, error) {
	if f.describeAccessEntryFn == nil {
		panic(fmt.Sprintf("unexpected call DescribeAccessEntry(%+v)", in))
	}
	return f.describeAccessEntryFn(ctx, in)
}

func (f *fakeAccessEKS) CreateAccessEntry(ctx context.Context, in *eks.CreateAccessEntryInput, _ ...func(*eks.Options)) (*eks.CreateAccessEntryOutput, error) {
	if f.createAccessEntryFn == nil {
		panic(fmt.Sprintf("unexpected call CreateAccessEntry(%+v)", in))
	}
	return f.createAccessEntryFn(ctx, in)
}

func (f *fakeAccessEKS) UpdateAccessEntry(ctx context.Context, in *eks.UpdateAccessEntryInput, _ ...func(*eks.Options)) (*eks.UpdateAccessEntryOutput, error) {
	if f.updateAccessEntryFn == nil {
		panic(fmt.Sprintf("unexpected call UpdateAccessEntry(%+v)", in))
	}
	return f.updateAccessEntryFn(ctx, in)
}

func (f *fakeAccessEKS) DeleteAccessEntry(ctx context.Context, in *eks.DeleteAccessEntryInput, _ ...func(*eks.Options)) (*eks.DeleteAccessEntryOutput, error) {
	if f.deleteAccessEntryFn == nil {
		panic(fmt.Sprintf("unexpected call DeleteAccessEntry(%+v)", in))
	}
	return f.deleteAccessEntryFn(ctx, in)
}

func (f *fakeAccessEKS) ListAssociatedAccessPolicies(ctx context.Context, in *eks.ListAssociatedAccessPoliciesInput, _ ...func(*eks.Options)) (*eks.ListAssociatedAccessPoliciesOutput, error) {
	if f.listAssociatedAccessPoliciesFn == nil {
		panic(fmt.Sprintf("unexpected call ListAssociatedAccessPolicies(%+v)", in))
	}
	return f.listAssociatedAccessPoliciesFn(ctx, in)
}

func (f *fakeAccessEKS) AssociateAccessPolicy(ctx context.Context, in *eks.AssociateAccessPolicyInput, _ ...func(*eks.Options)) (*eks.AssociateAccessPolicyOutput, error) {
	if f.associateAccessPolicyFn == nil {
		panic(fmt.Sprintf("unexpected call AssociateAccessPolicy(%+v)", in))
	}
	return f.associateAccessPolicyFn(ctx, in)
}

func (f *fakeAccessEKS) DisassociateAccessPolicy(ctx context.Context, in *eks.DisassociateAccessPolicyInput, _ ...func(*eks.Options)) (*eks.DisassociateAccessPolicyOutput, error) {
	if f.disassociateAccessPolicyFn == nil {
		panic(fmt.Sprintf("unexpected call DisassociateAccessPolicy(%+v)", in))
	}
	return f.disassociateAccessPolicyFn(ctx, in)
}

func (f *fakeAccessEKS) ListAccessPolicies(ctx context.Context, in *eks.ListAccessPoliciesInput, _ ...func(*eks.Options)) (*eks.ListAccessPoliciesOutput, error) {
	if f.listAccessPoliciesFn == nil {
		panic(fmt.Sprintf("unexpected call ListAccessPolicies(%+v)", in))
	}
	return f.listAccessPoliciesFn(ctx, in)
}

// accessEntryObj is the live entry of principal in cluster, nil when none.
func (r *eksRegion) accessEntryObj(cluster, principal string) *eksObject {
	o := r.access[cluster+"/"+principal]
	if o == nil || o.entry.clusterObj != r.cluster(cluster) {
		return nil
	}
	return o
}

// putAccessEntryLocked stores an entry; the caller holds a.mu.
func (a *fakeAccount) putAccessEntryLocked(region, cluster string, e *ekstypes.AccessEntry, auto bool) *eksObject {
	r := a.in(region)
	if region == "" {
		region = a.region
	}
	principal := aws.ToString(e.PrincipalArn)
	if e.Type == nil {
		e.Type = aws.String("STANDARD")
	}
	if e.Username == nil {
		e.Username = aws.String(defaultAccessUsername(principal, aws.ToString(e.Type)))
	}
	// Stable from run to run (the golden plans show it), whatever order
	// concurrent creates come in: EKS's form is CLUSTER/role/ACCOUNT/NAME/ID.
	a.in(region).podSeq["access/"+cluster+"/"+principal]++
	arn := fmt.Sprintf("arn:aws:eks:%s:%s:access-entry/%s/%s/%d", region, testAccount, cluster, principal[strings.LastIndex(principal, ":")+1:], a.in(region).podSeq["access/"+cluster+"/"+principal])
	e.ClusterName, e.AccessEntryArn = aws.String(cluster), aws.String(arn)
	if e.KubernetesGroups == nil {
		e.KubernetesGroups = []string{}
	}
	o := &eksObject{name: principal, cluster: cluster, arn: arn, status: "ACTIVE", tags: copyTags(e.Tags),
		entry: &fakeEntry{e: e, clusterObj: r.cluster(cluster), policies: map[string]ekstypes.AssociatedAccessPolicy{}, auto: auto}}
	r.access[cluster+"/"+principal] = o
	return o
}

// defaultAccessUsername is what EKS sets when CreateAccessEntry names no
// username (EKS User Guide, "Create access entries").
func defaultAccessUsername(principal, typ string) string {
	switch typ {
	case "EC2_LINUX", "EC2_WINDOWS", "EC2", "HYBRID_LINUX":
		return "system:node:{{EC2PrivateDNSName}}"
	case "FARGATE_LINUX":
		return "system:node:{{SessionName}}"
	}
	if i := strings.Index(principal, ":role/"); i >= 0 {
		return "arn:aws:sts::" + testAccount + ":assumed-role/" + principal[strings.LastIndex(principal, "/")+1:] + "/{{SessionName}}"
	}
	return principal
}

// syncAutoEntriesLocked makes the entries EKS makes by itself in an API
// mode cluster: the creator's, and one for the role of each node group and
// Fargate profile, once each.
func (a *fakeAccount) syncAutoEntriesLocked(region, cluster string) {
	r := a.in(region)
	c := r.cluster(cluster)
	if c == nil || c.cl.AccessConfig == nil || c.cl.AccessConfig.AuthenticationMode == ekstypes.AuthenticationModeConfigMap {
		return
	}
	if c.entry == nil { // the cluster's own record of the entries EKS made
		c.entry = &fakeEntry{seen: map[string]bool{}}
		if aws.ToBool(c.cl.AccessConfig.BootstrapClusterCreatorAdminPermissions) {
			o := a.putAccessEntryLocked(region, cluster, &ekstypes.AccessEntry{PrincipalArn: aws.String(testCreator)}, true)
			arn := testPolicyARN("AmazonEKSClusterAdminPolicy")
			o.entry.policies[arn] = ekstypes.AssociatedAccessPolicy{PolicyArn: aws.String(arn), AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster, Namespaces: []string{}}}
		}
	}
	add := func(role, typ string) {
		if role == "" || c.entry.seen[role] {
			return
		}
		c.entry.seen[role] = true
		if r.accessEntryObj(cluster, role) == nil {
			a.putAccessEntryLocked(region, cluster, &ekstypes.AccessEntry{PrincipalArn: aws.String(role), Type: aws.String(typ)}, true)
		}
	}
	for _, n := range r.children(r.nodegroups, cluster) {
		ng := r.nodegroup(cluster, n).ng
		typ := "EC2_LINUX"
		if strings.Contains(string(ng.AmiType), "WINDOWS") {
			typ = "EC2_WINDOWS"
		}
		add(aws.ToString(ng.NodeRole), typ)
	}
	for _, n := range r.children(r.fargate, cluster) {
		add(aws.ToString(r.fargateProfile(cluster, n).fp.PodExecutionRoleArn), "FARGATE_LINUX")
	}
}

func describeAccessEntry(o *eksObject) *ekstypes.AccessEntry {
	e := *o.entry.e
	e.KubernetesGroups = append([]string{}, e.KubernetesGroups...)
	e.Tags = copyTags(o.tags)
	return &e
}

// fakeAccessOps serves the access entry operations of region.
func (a *fakeAccount) fakeAccessOps(f *fakeEKS, region string) {
	r := func() *eksRegion { return a.in(region) }
	// usable is the cluster's error for access entry calls: none, not
	// found, or its authentication mode has no access entries.
	usable := func(cluster string) error {
		c := r().cluster(cluster)
		if c == nil || c.status == "DELETING" {
			return notFound("No cluster found for name: %s.", cluster)
		}
		if c.cl.AccessConfig == nil || c.cl.AccessConfig.AuthenticationMode == ekstypes.AuthenticationModeConfigMap {
			return &ekstypes.InvalidRequestException{Message: aws.String("The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.")}
		}
		a.syncAutoEntriesLocked(region, cluster)
		return nil
	}
	entry := func(cluster, principal string) (*eksObject, error) {
		if err := usable(cluster); err != nil {
			return nil, err
		}
		o := r().accessEntryObj(cluster, principal)
		if o == nil {
			return nil, notFound("The specified principalArn could not be found.")
		}
		return o, nil
	}
	nodeType := func(t string) bool { return t == "EC2_LINUX" || t == "EC2_WINDOWS" }
	known := map[string]string{}
	for _, n := range testAccessPolicies {
		known[testPolicyARN(n)] = n
	}

	f.listAccessEntriesFn = func(_ context.Context, in *eks.ListAccessEntriesInput) (*eks.ListAccessEntriesOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		return eksCall(a, "ListAccessEntries", cluster, func() (*eks.ListAccessEntriesOutput, error) {
			if err := usable(cluster); err != nil {
				return nil, err
			}
			var principals []string
			for _, k := range sortedKeys(r().access) {
				if c, p, _ := strings.Cut(k, "/"); c == cluster && r().accessEntryObj(c, p) != nil {
					principals = append(principals, p)
				}
			}
			page, next := a.page(principals, in.NextToken)
			return &eks.ListAccessEntriesOutput{AccessEntries: page, NextToken: next}, nil
		})
	}
	f.describeAccessEntryFn = func(_ context.Context, in *eks.DescribeAccessEntryInput) (*eks.DescribeAccessEntryOutput, error) {
		cluster, principal := aws.ToString(in.ClusterName), aws.ToString(in.PrincipalArn)
		return eksCall(a, "DescribeAccessEntry", principal, func() (*eks.DescribeAccessEntryOutput, error) {
			o, err := entry(cluster, principal)
			if err != nil {
				return nil, err
			}
			return &eks.DescribeAccessEntryOutput{AccessEntry: describeAccessEntry(o)}, nil
		})
	}
	f.createAccessEntryFn = func(_ context.Context, in *eks.CreateAccessEntryInput) (*eks.CreateAccessEntryOutput, error) {
		cluster, principal := aws.ToString(in.ClusterName), aws.ToString(in.PrincipalArn)
		return eksCall(a, "CreateAccessEntry", principal, func() (*eks.CreateAccessEntryOutput, error) {
			if c := r().cluster(cluster); c != nil && c.status != "ACTIVE" {
				a.violate("CreateAccessEntry %s before cluster %s is ACTIVE", principal, cluster)
				return nil, inUse("Cluster %s is %s", cluster, c.status)
			}
			if err := usable(cluster); err != nil {
				a.violate("CreateAccessEntry %s: %v", principal, err)
				return nil, err
			}
			typ := aws.ToString(in.Type)
			if typ == "" {
				typ = "STANDARD"
			}
			if r().accessEntryObj(cluster, principal) != nil {
				return nil, inUse("The specified access entry resource is already in use on this cluster.")
			}
			if nodeType(typ) && len(in.KubernetesGroups) > 0 {
				a.violate("CreateAccessEntry %s of type %s with groups %v", principal, typ, in.KubernetesGroups)
				return nil, invalid("Kubernetes groups cannot be specified for an access entry of type %s", typ)
			}
			a.record("CreateAccessEntry %s/%s %s", cluster, principal, typ)
			o := a.putAccessEntryLocked(region, cluster, &ekstypes.AccessEntry{PrincipalArn: in.PrincipalArn, Type: aws.String(typ),
				KubernetesGroups: append([]string{}, in.KubernetesGroups...), Username: in.Username, Tags: in.Tags}, false)
			return &eks.CreateAccessEntryOutput{AccessEntry: describeAccessEntry(o)}, nil
		})
	}
	f.updateAccessEntryFn = func(_ context.Context, in *eks.UpdateAccessEntryInput) (*eks.UpdateAccessEntryOutput, error) {
		cluster, principal := aws.ToString(in.ClusterName), aws.ToString(in.PrincipalArn)
		return eksCall(a, "UpdateAccessEntry", principal, func() (*eks.UpdateAccessEntryOutput, error) {
			o, err := entry(cluster, principal)
			if err != nil {
				return nil, err
			}
			if o.entry.auto {
				a.violate("UpdateAccessEntry %s: an entry EKS made", principal)
			}
			if in.KubernetesGroups != nil {
				if nodeType(aws.ToString(o.entry.e.Type)) && len(in.KubernetesGroups) > 0 {
					a.violate("UpdateAccessEntry %s of type %s with groups", principal, aws.ToString(o.entry.e.Type))
					return nil, invalid("Kubernetes groups cannot be specified for an access entry of type %s", aws.ToString(o.entry.e.Type))
				}
				o.entry.e.KubernetesGroups = append([]string{}, in.KubernetesGroups...)
			}
			if in.Username != nil {
				o.entry.e.Username = in.Username
			}
			groups := append([]string{}, in.KubernetesGroups...)
			sort.Strings(groups)
			a.record("UpdateAccessEntry %s/%s %s %s", cluster, principal, strings.Join(groups, ","), aws.ToString(in.Username))
			return &eks.UpdateAccessEntryOutput{AccessEntry: describeAccessEntry(o)}, nil
		})
	}
	f.deleteAccessEntryFn = func(_ context.Context, in *eks.DeleteAccessEntryInput) (*eks.DeleteAccessEntryOutput, error) {
		cluster, principal := aws.ToString(in.ClusterName), aws.ToString(in.PrincipalArn)
		return eksCall(a, "DeleteAccessEntry", principal, func() (*eks.DeleteAccessEntryOutput, error) {
			o, err := entry(cluster, principal)
			if err != nil {
				return nil, err
			}
			if o.entry.auto {
				a.violate("DeleteAccessEntry %s: an entry EKS made", principal)
			}
			a.record("DeleteAccessEntry %s/%s", cluster, principal)
			delete(r().access, cluster+"/"+principal)
			return &eks.DeleteAccessEntryOutput{}, nil
		})
	}
	f.listAssociatedAccessPoliciesFn = func(_ context.Context, in *eks.ListAssociatedAccessPoliciesInput) (*eks.ListAssociatedAccessPoliciesOutput, error) {
		cluster, principal := aws.ToString(in.ClusterName), aws.ToString(in.PrincipalArn)
		return eksCall(a, "ListAssociatedAccessPolicies", principal, func() (*eks.ListAssociatedAccessPoliciesOutput, error) {
			o, err := entry(cluster, principal)
			if err != nil {
				return nil, err
			}
			page, next := a.page(sortedKeys(o.entry.policies), in.NextToken)
			out := &eks.ListAssociatedAccessPoliciesOutput{ClusterName: in.ClusterName, PrincipalArn: in.PrincipalArn, NextToken: next}
			for _, arn := range page {
				p := o.entry.policies[arn]
				s := *p.AccessScope
				s.Namespaces = append([]string{}, s.Namespaces...)
				p.AccessScope = &s
				out.AssociatedAccessPolicies = append(out.AssociatedAccessPolicies, p)
			}
			return out, nil
		})
	}
	f.associateAccessPolicyFn = func(_ context.Context, in *eks.AssociateAccessPolicyInput) (*eks.AssociateAccessPolicyOutput, error) {
		cluster, principal, arn := aws.ToString(in.ClusterName), aws.ToString(in.PrincipalArn), aws.ToString(in.PolicyArn)
		return eksCall(a, "AssociateAccessPolicy", principal, func() (*eks.AssociateAccessPolicyOutput, error) {
			o, err := entry(cluster, principal)
			if err != nil {
				a.violate("AssociateAccessPolicy %s %s: %v", principal, arn, err)
				return nil, err
			}
			if o.entry.auto {
				a.violate("AssociateAccessPolicy %s: an entry EKS made", principal)
			}
			if known[arn] == "" {
				a.violate("AssociateAccessPolicy %s: unknown policy %s", principal, arn)
				return nil, invalid("The specified policyArn %s is not a valid access policy", arn)
			}
			s := in.AccessScope
			switch {
			case s == nil || (s.Type != ekstypes.AccessScopeTypeCluster && s.Type != ekstypes.AccessScopeTypeNamespace):
				a.violate("AssociateAccessPolicy %s %s: scope %+v", principal, arn, s)
				return nil, invalid("accessScope.type must be one of [cluster, namespace]")
			case s.Type == ekstypes.AccessScopeTypeNamespace && len(s.Namespaces) == 0:
				a.violate("AssociateAccessPolicy %s %s: a namespace scope without namespaces", principal, arn)
				return nil, invalid("accessScope.namespaces is required when accessScope.type is namespace")
			case s.Type == ekstypes.AccessScopeTypeCluster && len(s.Namespaces) > 0:
				a.violate("AssociateAccessPolicy %s %s: a cluster scope with namespaces", principal, arn)
				return nil, invalid("accessScope.namespaces must be empty when accessScope.type is cluster")
			}
			if nodeType(aws.ToString(o.entry.e.Type)) {
				a.violate("AssociateAccessPolicy %s on an entry of type %s", principal, aws.ToString(o.entry.e.Type))
				return nil, &ekstypes.InvalidRequestException{Message: aws.String("Access policies cannot be associated with an access entry of type " + aws.ToString(o.entry.e.Type))}
			}
			// Associating a policy again replaces its scope.
			p := ekstypes.AssociatedAccessPolicy{PolicyArn: aws.String(arn), AccessScope: &ekstypes.AccessScope{Type: s.Type, Namespaces: append([]string{}, s.Namespaces...)}}
			o.entry.policies[arn] = p
			a.record("AssociateAccessPolicy %s/%s/%s %s %s", cluster, principal, known[arn], s.Type, strings.Join(s.Namespaces, ","))
			return &eks.AssociateAccessPolicyOutput{ClusterName: in.ClusterName, PrincipalArn: in.PrincipalArn, AssociatedAccessPolicy: &p}, nil
		})
	}
	f.disassociateAccessPolicyFn = func(_ context.Context, in *eks.DisassociateAccessPolicyInput) (*eks.DisassociateAccessPolicyOutput, error) {
		cluster, principal, arn := aws.ToString(in.ClusterName), aws.ToString(in.PrincipalArn), aws.ToString(in.PolicyArn)
		return eksCall(a, "DisassociateAccessPolicy", principal, func() (*eks.DisassociateAccessPolicyOutput, error) {
			o, err := entry(cluster, principal)
			if err != nil {
				return nil, err
			}
			if o.entry.auto {
				a.violate("DisassociateAccessPolicy %s: an entry EKS made", principal)
			}
			if _, ok := o.entry.policies[arn]; !ok {
				return nil, notFound("The access policy %s is not associated with this access entry", arn)
			}
			delete(o.entry.policies, arn)
			a.record("DisassociateAccessPolicy %s/%s/%s", cluster, principal, known[arn])
			return &eks.DisassociateAccessPolicyOutput{}, nil
		})
	}
	f.listAccessPoliciesFn = func(_ context.Context, in *eks.ListAccessPoliciesInput) (*eks.ListAccessPoliciesOutput, error) {
		return eksCall(a, "ListAccessPolicies", "", func() (*eks.ListAccessPoliciesOutput, error) {
			arns := sortedKeys(known)
			page, next := a.page(arns, in.NextToken)
			out := &eks.ListAccessPoliciesOutput{NextToken: next}
			for _, arn := range page {
				out.AccessPolicies = append(out.AccessPolicies, ekstypes.AccessPolicy{Arn: aws.String(arn), Name: aws.String(known[arn])})
			}
			return out, nil
		})
	}
}

// putAccessEntry puts an entry into the default region, as if made outside
// the test's applies, with its policies (ARN -> namespaces; none: the
// cluster scope); it returns the entry as the planner observes it.
func (a *fakeAccount) putAccessEntry(cluster, principal, typ string, groups []string, tags map[string]string, policies map[string][]string) *AccessEntryAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.syncAutoEntriesLocked("", cluster)
	o := a.putAccessEntryLocked("", cluster, &ekstypes.AccessEntry{PrincipalArn: aws.String(principal), Type: aws.String(typ), KubernetesGroups: groups, Tags: tags}, false)
	for arn, ns := range policies {
		s := &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster, Namespaces: []string{}}
		if len(ns) > 0 {
			s = &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace, Namespaces: ns}
		}
		o.entry.policies[arn] = ekstypes.AssociatedAccessPolicy{PolicyArn: aws.String(arn), AccessScope: s}
	}
	return accessEntryFromAWS(describeAccessEntry(o))
}

// accessEntry is the entry of principal in cluster of the default region,
// with its policies (ARN -> "cluster" or the sorted namespaces joined by
// commas); nil when none.
func (a *fakeAccount) accessEntry(cluster, principal string) (*AccessEntryAttrs, map[string]string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.syncAutoEntriesLocked("", cluster)
	o := a.in("").accessEntryObj(cluster, principal)
	if o == nil {
		return nil, nil
	}
	pols := map[string]string{}
	for arn, p := range o.entry.policies {
		ns := append([]string{}, p.AccessScope.Namespaces...)
		sort.Strings(ns)
		pols[accessPolicyName(arn)] = string(p.AccessScope.Type)
		if len(ns) > 0 {
			pols[accessPolicyName(arn)] += ":" + strings.Join(ns, ",")
		}
	}
	return accessEntryFromAWS(describeAccessEntry(o)), pols
}

// accessPrincipals lists the principals with an entry in cluster of the
// default region, sorted.
func (a *fakeAccount) accessPrincipals(cluster string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.syncAutoEntriesLocked("", cluster)
	var out []string
	for _, k := range sortedKeys(a.in("").access) {
		if c, p, _ := strings.Cut(k, "/"); c == cluster && a.in("").accessEntryObj(c, p) != nil {
			out = append(out, p)
		}
	}
	return out
}
