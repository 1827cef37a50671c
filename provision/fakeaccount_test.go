package provision

// fakeAccount is the one simulated AWS account of the provision tests:
// EKS (per region) and IAM (global), served through the project's
// function-field fakes (fakeEKS, fakeIAM) to the real planner and the real
// Apply.
//
// Like AWS in miniature, resources go CREATING -> ACTIVE and DELETING ->
// gone after the durations in life (zero: at once, what planner tests
// want), and an update changes what Describe* shows only when it completes.
// The account enforces, and records in violations, the EKS rules apply
// must respect: one Fargate profile creating or deleting per cluster, one
// update in flight per cluster and per node group, one minor version at a
// time, node groups never ahead of the control plane, node group sizes
// within 0 <= min <= desired <= max, no cluster deletion while node groups
// or Fargate profiles remain, no role deleted while in use. Like EKS it refuses an update that changes nothing.
//
// For tests and benchmarks it counts calls, takes latency per call, pages
// list results, runs a hook before every operation (injected errors), and
// logs the mutating calls it accepted, in order.

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
)

const testAccount = "111122223333"

// lifecycle is how long AWS takes; zero durations are instant.
type lifecycle struct {
	cluster, nodeGroup, fargate, update time.Duration
	// iam is how long every IAM call takes: IAM has no transitional
	// states, the call itself is the wait.
	iam time.Duration
}

// eksObject is one EKS cluster, node group or Fargate profile.
type eksObject struct {
	name, cluster, arn string
	status             string    // CREATING, ACTIVE, UPDATING, DELETING, or set by a test
	until              time.Time // when CREATING or DELETING ends
	tags               map[string]string
	cl                 *ekstypes.Cluster
	ng                 *ekstypes.Nodegroup
	fp                 *ekstypes.FargateProfile
}

// hold puts the object in status for the rest of the test.
func (o *eksObject) hold(status string) {
	o.status, o.until = status, time.Now().Add(time.Hour)
}

type eksUpdate struct {
	region, cluster, nodegroup string
	obj                        *eksObject
	until                      time.Time
	fail, done                 bool
	change                     func() // what the update does, visible once it completes
}

type eksRegion struct {
	clusters   map[string]*eksObject // by name
	nodegroups map[string]*eksObject // by cluster/name
	fargate    map[string]*eksObject // by cluster/name
}

type iamRole struct {
	name, path, arn, trust string
	tags                   map[string]string
	attached               map[string]bool
	inline                 map[string]string
}

type iamProvider struct {
	url       string
	clientIDs []string
	tags      map[string]string
}

type fakeAccount struct {
	mu sync.Mutex
	// region is the default region: the one clients("") talk to.
	region string
	life   lifecycle
	// pageSize > 0 makes list calls return pages of that size.
	pageSize int
	// latency is how long every call takes.
	latency time.Duration
	// statusLags makes Describe* report ACTIVE while an update runs: the
	// moment after EKS accepted an update and before the status shows it.
	statusLags bool
	// hook, if set, runs first in every operation, with the lock held; a
	// non-nil error is returned.
	hook func(op, name string) error
	// failUpdates makes updates of these node groups or clusters (by name)
	// end Failed.
	failUpdates map[string]bool

	regions   map[string]*eksRegion
	updates   map[string]*eksUpdate
	roles     map[string]*iamRole
	providers map[string]*iamProvider // by ARN
	clients   map[string]*Clients
	nextID    int

	calls map[string]int
	// log lists the accepted mutating calls in order, e.g.
	// "CreateNodegroup demo/general".
	log []string
	// violations lists broken EKS rules; a correct apply leaves it empty.
	violations []string
}

// newFakeAccount is an empty account whose default region is eu-west-1,
// where everything happens at once.
func newFakeAccount() *fakeAccount {
	return &fakeAccount{
		region: "eu-west-1", failUpdates: map[string]bool{}, regions: map[string]*eksRegion{}, updates: map[string]*eksUpdate{},
		roles: map[string]*iamRole{}, providers: map[string]*iamProvider{}, clients: map[string]*Clients{}, calls: map[string]int{},
	}
}

type regionEKS struct {
	*fakeEKS
	region string
}

func (r regionEKS) Options() eks.Options { return eks.Options{Region: r.region} }

// factory serves the account: EKS of the asked region ("" the default
// one), the account's IAM.
func (a *fakeAccount) factory() ClientsFactory {
	return func(region string) (*Clients, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		if region == "" {
			region = a.region
		}
		if c := a.clients[region]; c != nil {
			return c, nil
		}
		if a.clients[""] == nil {
			a.clients[""] = &Clients{IAM: a.fakeIAM()}
		}
		c := &Clients{EKS: regionEKS{a.fakeEKS(region), region}, IAM: a.clients[""].IAM}
		a.clients[region] = c
		return c, nil
	}
}

// apply applies p with the real Apply, polling every millisecond, and fails
// the test if it fails or breaks an EKS rule.
func (a *fakeAccount) apply(t testing.TB, p *Plan) *ApplyResult {
	t.Helper()
	var out bytes.Buffer
	res, err := Apply(context.Background(), p, a.factory(), fastOptions(&out))
	if err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, a)
	return res
}

func requireNoViolations(t testing.TB, a *fakeAccount) {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, v := range a.violations {
		t.Errorf("EKS rule broken: %s", v)
	}
}

// enter takes the call's latency, then locks the account, completes the
// updates whose time has come, counts the call and runs the hook. The
// caller unlocks.
func (a *fakeAccount) enter(op, name string, extra time.Duration) error {
	a.mu.Lock()
	lat := a.latency + extra
	a.mu.Unlock()
	if lat > 0 {
		time.Sleep(lat)
	}
	a.mu.Lock()
	a.settleUpdates()
	a.calls[op]++
	if a.hook != nil {
		return a.hook(op, name)
	}
	return nil
}

// eksCall runs an EKS operation; iamCall an IAM one, which takes life.iam.
func eksCall[T any](a *fakeAccount, op, name string, fn func() (*T, error)) (*T, error) {
	err := a.enter(op, name, 0)
	defer a.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return fn()
}

func iamCall[T any](a *fakeAccount, op, name string, fn func() (*T, error)) (*T, error) {
	err := a.enter(op, name, a.life.iam)
	defer a.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return fn()
}

// failOn makes every call of op fail with err.
func (a *fakeAccount) failOn(op string, err error) {
	a.hook = func(o, _ string) error {
		if o == op {
			return err
		}
		return nil
	}
}

func (a *fakeAccount) totalCalls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, c := range a.calls {
		n += c
	}
	return n
}

func (a *fakeAccount) record(format string, args ...any) {
	a.log = append(a.log, fmt.Sprintf(format, args...))
}

func (a *fakeAccount) violate(format string, args ...any) {
	a.violations = append(a.violations, fmt.Sprintf(format, args...))
}

func (a *fakeAccount) id() string {
	a.nextID++
	return fmt.Sprintf("%04d", a.nextID)
}

// page returns the page of names starting at token.
func (a *fakeAccount) page(names []string, token *string) ([]string, *string) {
	sort.Strings(names)
	start := 0
	if token != nil {
		start, _ = strconv.Atoi(*token)
	}
	if a.pageSize <= 0 || start+a.pageSize >= len(names) {
		return names[start:], nil
	}
	next := strconv.Itoa(start + a.pageSize)
	return names[start : start+a.pageSize], &next
}

// in is the EKS of region ("" the default one).
func (a *fakeAccount) in(region string) *eksRegion {
	if region == "" {
		region = a.region
	}
	r := a.regions[region]
	if r == nil {
		r = &eksRegion{clusters: map[string]*eksObject{}, nodegroups: map[string]*eksObject{}, fargate: map[string]*eksObject{}}
		a.regions[region] = r
	}
	return r
}

// settle moves an object past a finished creation or deletion; it reports
// false when the object is gone.
func settle(o *eksObject, now time.Time) bool {
	if (o.status != "CREATING" && o.status != "DELETING") || now.Before(o.until) {
		return true
	}
	if o.status == "DELETING" {
		return false
	}
	o.status = "ACTIVE"
	return true
}

func (r *eksRegion) get(m map[string]*eksObject, key string) *eksObject {
	o := m[key]
	if o != nil && !settle(o, time.Now()) {
		delete(m, key)
		return nil
	}
	return o
}

func (r *eksRegion) cluster(name string) *eksObject { return r.get(r.clusters, name) }
func (r *eksRegion) nodegroup(cluster, name string) *eksObject {
	return r.get(r.nodegroups, cluster+"/"+name)
}
func (r *eksRegion) fargateProfile(cluster, name string) *eksObject {
	return r.get(r.fargate, cluster+"/"+name)
}

// children lists the names of the cluster's live node groups or Fargate
// profiles (m is r.nodegroups or r.fargate).
func (r *eksRegion) children(m map[string]*eksObject, cluster string) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		if c, n, _ := strings.Cut(k, "/"); c == cluster && r.get(m, k) != nil {
			out = append(out, n)
		}
	}
	return out
}

// fargateBusy names a profile of the cluster that is creating or deleting.
func (r *eksRegion) fargateBusy(cluster string) string {
	for _, n := range r.children(r.fargate, cluster) {
		if o := r.fargateProfile(cluster, n); o.status != "ACTIVE" {
			return n
		}
	}
	return ""
}

func (r *eksRegion) byARN(arn string) *eksObject {
	for _, m := range []map[string]*eksObject{r.clusters, r.nodegroups, r.fargate} {
		for _, o := range m {
			if o.arn == arn {
				return o
			}
		}
	}
	return nil
}

// Test access to live objects of the default region; callers hold a.mu or
// run when no call is in flight.

func (a *fakeAccount) cluster(name string) *eksObject { return a.in("").cluster(name) }
func (a *fakeAccount) nodegroup(cluster, name string) *eksObject {
	return a.in("").nodegroup(cluster, name)
}
func (a *fakeAccount) fargateProfile(cluster, name string) *eksObject {
	return a.in("").fargateProfile(cluster, name)
}

// Updates.

// settleUpdates completes the updates whose time has come: their change
// becomes visible (unless they fail) and their resource ACTIVE.
func (a *fakeAccount) settleUpdates() {
	now := time.Now()
	for _, u := range a.updates {
		if u.done || now.Before(u.until) {
			continue
		}
		u.done = true
		if !u.fail {
			u.change()
		}
		if u.obj.status == "UPDATING" {
			u.obj.status = "ACTIVE"
		}
	}
}

// busy reports whether the cluster (nodegroup "") or node group has an
// update in progress.
func (a *fakeAccount) busy(region, cluster, nodegroup string) bool {
	for _, u := range a.updates {
		if !u.done && u.region == region && u.cluster == cluster && u.nodegroup == nodegroup {
			return true
		}
	}
	return false
}

func (a *fakeAccount) startUpdate(region string, o *eksObject, nodegroup string, typ ekstypes.UpdateType, change func()) *ekstypes.Update {
	id := "upd-" + a.id()
	a.updates[id] = &eksUpdate{region: region, cluster: o.cluster, nodegroup: nodegroup, obj: o, until: time.Now().Add(a.life.update), fail: a.failUpdates[o.name], change: change}
	if a.life.update > 0 && !a.statusLags {
		o.status = "UPDATING"
	}
	return &ekstypes.Update{Id: aws.String(id), Status: ekstypes.UpdateStatusInProgress, Type: typ}
}

// updateInProgress starts an update as an interrupted apply left it:
// accepted by EKS, change visible when it completes (after life.update).
func (a *fakeAccount) updateInProgress(cluster, nodegroup string, change func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	o := a.cluster(cluster)
	if nodegroup != "" {
		o = a.nodegroup(cluster, nodegroup)
	}
	a.startUpdate(a.region, o, nodegroup, ekstypes.UpdateTypeConfigUpdate, change)
}

// Errors as EKS and IAM word them.

func inUse(format string, args ...any) error {
	return &ekstypes.ResourceInUseException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func notFound(format string, args ...any) error {
	return &ekstypes.ResourceNotFoundException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func invalid(format string, args ...any) error {
	return &ekstypes.InvalidParameterException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func noSuchEntity(format string, args ...any) error {
	return &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func copyTags(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ARNs and issuers, as AWS makes them.

func clusterARNOf(region, name string) string {
	return "arn:aws:eks:" + region + ":" + testAccount + ":cluster/" + name
}

func roleARNOf(name string) string { return roleARNAt(RolePath, name) }

// rootRoleARNOf is the ARN of a role at RootRolePath (managed node and pod
// execution roles).
func rootRoleARNOf(name string) string { return roleARNAt(RootRolePath, name) }

func roleARNAt(path, name string) string {
	return "arn:aws:iam::" + testAccount + ":role" + path + name
}

func issuerOf(region, cluster string) string {
	return "https://oidc.eks." + region + ".amazonaws.com/id/" + strings.ToUpper(shortHash(cluster)+shortHash(cluster+"x"))
}

func providerARNOf(issuer string) string {
	return "arn:aws:iam::" + testAccount + ":oidc-provider/" + strings.TrimPrefix(issuer, "https://")
}

// mergeLogging is the cluster's logging after an update turns log types
// on and off: one enabled setup, types sorted.
func mergeLogging(had *ekstypes.Logging, in *ekstypes.Logging) *ekstypes.Logging {
	on := map[string]bool{}
	for _, l := range []*ekstypes.Logging{had, in} {
		if l == nil {
			continue
		}
		for _, s := range l.ClusterLogging {
			for _, t := range s.Types {
				on[string(t)] = aws.ToBool(s.Enabled)
			}
		}
	}
	var types []ekstypes.LogType
	for _, k := range sortedKeys(on) {
		if on[k] {
			types = append(types, ekstypes.LogType(k))
		}
	}
	return &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: types, Enabled: aws.Bool(true)}}}
}

func (a *fakeAccount) fakeEKS(region string) *fakeEKS {
	f := &fakeEKS{}
	r := func() *eksRegion { return a.in(region) }

	f.createClusterFn = func(_ context.Context, in *eks.CreateClusterInput) (*eks.CreateClusterOutput, error) {
		name := aws.ToString(in.Name)
		return eksCall(a, "CreateCluster", name, func() (*eks.CreateClusterOutput, error) {
			if r().cluster(name) != nil {
				return nil, inUse("Cluster already exists with name: %s", name)
			}
			a.record("CreateCluster %s", name)
			o := &eksObject{name: name, cluster: name, arn: clusterARNOf(region, name), status: "CREATING", until: time.Now().Add(a.life.cluster), tags: copyTags(in.Tags)}
			vc := &ekstypes.VpcConfigResponse{}
			if v := in.ResourcesVpcConfig; v != nil {
				vc = &ekstypes.VpcConfigResponse{SubnetIds: v.SubnetIds, SecurityGroupIds: v.SecurityGroupIds, PublicAccessCidrs: v.PublicAccessCidrs,
					EndpointPublicAccess: aws.ToBool(v.EndpointPublicAccess), EndpointPrivateAccess: aws.ToBool(v.EndpointPrivateAccess)}
			}
			o.cl = &ekstypes.Cluster{Name: in.Name, Arn: aws.String(o.arn), Version: in.Version, RoleArn: in.RoleArn, ResourcesVpcConfig: vc,
				Identity: &ekstypes.Identity{Oidc: &ekstypes.OIDC{Issuer: aws.String(issuerOf(region, name))}},
				Logging:  mergeLogging(nil, in.Logging), EncryptionConfig: in.EncryptionConfig}
			r().clusters[name] = o
			return &eks.CreateClusterOutput{Cluster: describeCluster(o)}, nil
		})
	}
	f.describeClusterFn = func(_ context.Context, in *eks.DescribeClusterInput) (*eks.DescribeClusterOutput, error) {
		name := aws.ToString(in.Name)
		return eksCall(a, "DescribeCluster", name, func() (*eks.DescribeClusterOutput, error) {
			o := r().cluster(name)
			if o == nil {
				return nil, notFound("No cluster found for name: %s.", name)
			}
			return &eks.DescribeClusterOutput{Cluster: describeCluster(o)}, nil
		})
	}
	f.listClustersFn = func(_ context.Context, in *eks.ListClustersInput) (*eks.ListClustersOutput, error) {
		return eksCall(a, "ListClusters", region, func() (*eks.ListClustersOutput, error) {
			var names []string
			for _, n := range sortedKeys(r().clusters) {
				if r().cluster(n) != nil {
					names = append(names, n)
				}
			}
			page, next := a.page(names, in.NextToken)
			return &eks.ListClustersOutput{Clusters: page, NextToken: next}, nil
		})
	}
	f.deleteClusterFn = func(_ context.Context, in *eks.DeleteClusterInput) (*eks.DeleteClusterOutput, error) {
		name := aws.ToString(in.Name)
		return eksCall(a, "DeleteCluster", name, func() (*eks.DeleteClusterOutput, error) {
			o := r().cluster(name)
			if o == nil {
				return nil, notFound("No cluster found for name: %s.", name)
			}
			if ngs := r().children(r().nodegroups, name); len(ngs) > 0 {
				a.violate("DeleteCluster %s while node group %s exists", name, ngs[0])
				return nil, inUse("Cluster has nodegroups attached")
			}
			if fps := r().children(r().fargate, name); len(fps) > 0 {
				a.violate("DeleteCluster %s while Fargate profile %s exists", name, fps[0])
				return nil, inUse("Cluster has fargate profiles attached")
			}
			a.record("DeleteCluster %s", name)
			o.status, o.until = "DELETING", time.Now().Add(a.life.cluster)
			return &eks.DeleteClusterOutput{}, nil
		})
	}
	// clusterUpdate starts an update of the cluster: refuse says why EKS
	// refuses it (nil: accepted); change is what it does.
	clusterUpdate := func(op, name, detail string, typ ekstypes.UpdateType, refuse func(c *ekstypes.Cluster) error, change func(c *ekstypes.Cluster)) (*ekstypes.Update, error) {
		return eksCall(a, op, name, func() (*ekstypes.Update, error) {
			o := r().cluster(name)
			if o == nil {
				return nil, notFound("No cluster found for name: %s.", name)
			}
			if a.busy(region, name, "") {
				a.violate("%s on cluster %s while another update is in progress", op, name)
				return nil, inUse("An update is already in progress for cluster %s", name)
			}
			if err := refuse(o.cl); err != nil {
				return nil, err
			}
			a.record("%s %s%s", op, name, detail)
			return a.startUpdate(region, o, "", typ, func() {
				c := *o.cl
				change(&c)
				o.cl = &c
			}), nil
		})
	}
	f.updateClusterVersionFn = func(_ context.Context, in *eks.UpdateClusterVersionInput) (*eks.UpdateClusterVersionOutput, error) {
		to := aws.ToString(in.Version)
		u, err := clusterUpdate("UpdateClusterVersion", aws.ToString(in.Name), " "+to, ekstypes.UpdateTypeVersionUpdate, func(c *ekstypes.Cluster) error {
			from := aws.ToString(c.Version)
			f, err1 := minorOf(from)
			t, err2 := minorOf(to)
			if err1 != nil || err2 != nil || t != f+1 {
				a.violate("UpdateClusterVersion %s from %s to %s: one minor version at a time", aws.ToString(in.Name), from, to)
				return invalid("Unsupported Kubernetes minor version update from %s to %s", from, to)
			}
			// EKS updates a control plane only when its managed node groups
			// already run its minor version (UpdateClusterVersion, EKS API
			// reference).
			for _, ngName := range r().children(r().nodegroups, aws.ToString(in.Name)) {
				ng := r().nodegroups[aws.ToString(in.Name)+"/"+ngName]
				if v, err := minorOf(aws.ToString(ng.ng.Version)); err == nil && v < f {
					a.violate("UpdateClusterVersion %s to %s while node group %s runs %s", aws.ToString(in.Name), to, ngName, aws.ToString(ng.ng.Version))
					return invalid("Nodegroup %s must be updated to match cluster version %s before updating cluster version", ngName, from)
				}
			}
			return nil
		}, func(c *ekstypes.Cluster) { c.Version = in.Version })
		if err != nil {
			return nil, err
		}
		return &eks.UpdateClusterVersionOutput{Update: u}, nil
	}
	f.updateClusterConfigFn = func(_ context.Context, in *eks.UpdateClusterConfigInput) (*eks.UpdateClusterConfigOutput, error) {
		var what []string
		if in.Logging != nil {
			what = append(what, "logging")
		}
		if in.ResourcesVpcConfig != nil {
			what = append(what, "endpoint access")
		}
		change := func(c *ekstypes.Cluster) {
			if in.Logging != nil {
				c.Logging = mergeLogging(c.Logging, in.Logging)
			}
			if v := in.ResourcesVpcConfig; v != nil {
				// EKS merges what is sent into the VPC configuration.
				vc := *c.ResourcesVpcConfig
				vc.EndpointPublicAccess, vc.EndpointPrivateAccess = aws.ToBool(v.EndpointPublicAccess), aws.ToBool(v.EndpointPrivateAccess)
				if v.PublicAccessCidrs != nil {
					vc.PublicAccessCidrs = v.PublicAccessCidrs
				}
				c.ResourcesVpcConfig = &vc
			}
		}
		u, err := clusterUpdate("UpdateClusterConfig", aws.ToString(in.Name), " "+strings.Join(what, " and "), ekstypes.UpdateTypeConfigUpdate, func(c *ekstypes.Cluster) error {
			after := *c
			change(&after)
			if cmp.Equal(clusterFromAWS(c), clusterFromAWS(&after)) {
				return invalid("No changes needed for the logging or endpoint configuration provided")
			}
			return nil
		}, change)
		if err != nil {
			return nil, err
		}
		return &eks.UpdateClusterConfigOutput{Update: u}, nil
	}
	f.associateEncryptionConfigFn = func(_ context.Context, in *eks.AssociateEncryptionConfigInput) (*eks.AssociateEncryptionConfigOutput, error) {
		u, err := clusterUpdate("AssociateEncryptionConfig", aws.ToString(in.ClusterName), "", ekstypes.UpdateTypeAssociateEncryptionConfig, func(c *ekstypes.Cluster) error {
			if len(c.EncryptionConfig) > 0 {
				return invalid("Encryption is already enabled on the cluster")
			}
			return nil
		}, func(c *ekstypes.Cluster) { c.EncryptionConfig = in.EncryptionConfig })
		if err != nil {
			return nil, err
		}
		return &eks.AssociateEncryptionConfigOutput{Update: u}, nil
	}
	f.describeUpdateFn = func(_ context.Context, in *eks.DescribeUpdateInput) (*eks.DescribeUpdateOutput, error) {
		id := aws.ToString(in.UpdateId)
		return eksCall(a, "DescribeUpdate", id, func() (*eks.DescribeUpdateOutput, error) {
			u := a.updates[id]
			if u == nil || u.region != region || u.cluster != aws.ToString(in.Name) || u.nodegroup != aws.ToString(in.NodegroupName) {
				return nil, notFound("No update found for ID: %s", id)
			}
			out := &ekstypes.Update{Id: in.UpdateId, Status: ekstypes.UpdateStatusInProgress}
			switch {
			case u.done && u.fail:
				out.Status = ekstypes.UpdateStatusFailed
				out.Errors = []ekstypes.ErrorDetail{{ErrorCode: ekstypes.ErrorCodeNodeCreationFailure, ErrorMessage: aws.String("Instances failed to join the kubernetes cluster")}}
			case u.done:
				out.Status = ekstypes.UpdateStatusSuccessful
			}
			return &eks.DescribeUpdateOutput{Update: out}, nil
		})
	}
	f.listUpdatesFn = func(_ context.Context, in *eks.ListUpdatesInput) (*eks.ListUpdatesOutput, error) {
		cluster, ng := aws.ToString(in.Name), aws.ToString(in.NodegroupName)
		return eksCall(a, "ListUpdates", cluster+"/"+ng, func() (*eks.ListUpdatesOutput, error) {
			if r().cluster(cluster) == nil || (ng != "" && r().nodegroup(cluster, ng) == nil) {
				return nil, notFound("No cluster or node group found for name: %s %s.", cluster, ng)
			}
			var ids []string
			for id, u := range a.updates {
				if u.region == region && u.cluster == cluster && u.nodegroup == ng {
					ids = append(ids, id)
				}
			}
			sort.Strings(ids)
			page, next := a.page(ids, in.NextToken)
			return &eks.ListUpdatesOutput{UpdateIds: page, NextToken: next}, nil
		})
	}
	f.tagResourceFn = func(_ context.Context, in *eks.TagResourceInput) (*eks.TagResourceOutput, error) {
		arn := aws.ToString(in.ResourceArn)
		return eksCall(a, "TagResource", arn, func() (*eks.TagResourceOutput, error) {
			o := r().byARN(arn)
			if o == nil {
				return nil, notFound("no resource %s", arn)
			}
			a.record("TagResource %s %s", o.name, strings.Join(sortedKeys(in.Tags), ","))
			for k, v := range in.Tags {
				o.tags[k] = v
			}
			return &eks.TagResourceOutput{}, nil
		})
	}
	f.untagResourceFn = func(_ context.Context, in *eks.UntagResourceInput) (*eks.UntagResourceOutput, error) {
		arn := aws.ToString(in.ResourceArn)
		return eksCall(a, "UntagResource", arn, func() (*eks.UntagResourceOutput, error) {
			o := r().byARN(arn)
			if o == nil {
				return nil, notFound("no resource %s", arn)
			}
			a.record("UntagResource %s %s", o.name, strings.Join(in.TagKeys, ","))
			for _, k := range in.TagKeys {
				delete(o.tags, k)
			}
			return &eks.UntagResourceOutput{}, nil
		})
	}

	f.listNodegroupsFn = func(_ context.Context, in *eks.ListNodegroupsInput) (*eks.ListNodegroupsOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		return eksCall(a, "ListNodegroups", cluster, func() (*eks.ListNodegroupsOutput, error) {
			if r().cluster(cluster) == nil {
				return nil, notFound("No cluster found for name: %s.", cluster)
			}
			page, next := a.page(r().children(r().nodegroups, cluster), in.NextToken)
			return &eks.ListNodegroupsOutput{Nodegroups: page, NextToken: next}, nil
		})
	}
	f.createNodegroupFn = func(_ context.Context, in *eks.CreateNodegroupInput) (*eks.CreateNodegroupOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		return eksCall(a, "CreateNodegroup", name, func() (*eks.CreateNodegroupOutput, error) {
			c := r().cluster(cluster)
			if c == nil || c.status != "ACTIVE" {
				a.violate("CreateNodegroup %s before cluster %s is ACTIVE", name, cluster)
				return nil, notFound("No cluster found for name: %s.", cluster)
			}
			if err := a.scalingRefusal("CreateNodegroup", name, nil, in.ScalingConfig); err != nil {
				return nil, err
			}
			if r().nodegroup(cluster, name) != nil {
				return nil, inUse("NodeGroup already exists with name %s and cluster name %s", name, cluster)
			}
			a.record("CreateNodegroup %s/%s", cluster, name)
			o := &eksObject{name: name, cluster: cluster, arn: nodegroupARNOf(region, cluster, name), status: "CREATING", until: time.Now().Add(a.life.nodeGroup), tags: copyTags(in.Tags)}
			version := in.Version
			if version == nil {
				version = c.cl.Version
			}
			release := in.ReleaseVersion
			if release == nil {
				release = aws.String(latestRelease(aws.ToString(version)))
			}
			update := in.UpdateConfig
			if update == nil {
				update = &ekstypes.NodegroupUpdateConfig{}
			}
			o.ng = &ekstypes.Nodegroup{ClusterName: in.ClusterName, NodegroupName: in.NodegroupName, NodegroupArn: aws.String(o.arn), NodeRole: in.NodeRole,
				Subnets: in.Subnets, InstanceTypes: in.InstanceTypes, AmiType: in.AmiType, CapacityType: in.CapacityType, DiskSize: in.DiskSize,
				ScalingConfig: in.ScalingConfig, Labels: in.Labels, Taints: in.Taints, UpdateConfig: update, Version: version, ReleaseVersion: release}
			r().nodegroups[cluster+"/"+name] = o
			return &eks.CreateNodegroupOutput{Nodegroup: describeNodegroup(o)}, nil
		})
	}
	f.describeNodegroupFn = func(_ context.Context, in *eks.DescribeNodegroupInput) (*eks.DescribeNodegroupOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		return eksCall(a, "DescribeNodegroup", name, func() (*eks.DescribeNodegroupOutput, error) {
			o := r().nodegroup(cluster, name)
			if o == nil {
				return nil, notFound("No node group found for name: %s.", name)
			}
			return &eks.DescribeNodegroupOutput{Nodegroup: describeNodegroup(o)}, nil
		})
	}
	f.deleteNodegroupFn = func(_ context.Context, in *eks.DeleteNodegroupInput) (*eks.DeleteNodegroupOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		return eksCall(a, "DeleteNodegroup", name, func() (*eks.DeleteNodegroupOutput, error) {
			o := r().nodegroup(cluster, name)
			if o == nil {
				return nil, notFound("No node group found for name: %s.", name)
			}
			if o.status == "DELETING" {
				return nil, inUse("Nodegroup %s is already deleting", name)
			}
			a.record("DeleteNodegroup %s/%s", cluster, name)
			o.status, o.until = "DELETING", time.Now().Add(a.life.nodeGroup)
			return &eks.DeleteNodegroupOutput{}, nil
		})
	}
	nodegroupUpdate := func(op, cluster, name, detail string, typ ekstypes.UpdateType, refuse func(ng *ekstypes.Nodegroup) error, change func(ng *ekstypes.Nodegroup)) (*ekstypes.Update, error) {
		return eksCall(a, op, name, func() (*ekstypes.Update, error) {
			o := r().nodegroup(cluster, name)
			if o == nil {
				return nil, notFound("No node group found for name: %s.", name)
			}
			if a.busy(region, cluster, name) {
				a.violate("%s on node group %s while another update is in progress", op, name)
				return nil, inUse("An update is already in progress for node group %s", name)
			}
			if a.busy(region, cluster, "") {
				a.violate("%s on node group %s while cluster %s is updating", op, name, cluster)
				return nil, inUse("Cluster %s is updating", cluster)
			}
			if err := refuse(o.ng); err != nil {
				return nil, err
			}
			a.record("%s %s/%s%s", op, cluster, name, detail)
			return a.startUpdate(region, o, name, typ, func() {
				ng := *o.ng
				change(&ng)
				o.ng = &ng
			}), nil
		})
	}
	f.updateNodegroupConfigFn = func(_ context.Context, in *eks.UpdateNodegroupConfigInput) (*eks.UpdateNodegroupConfigOutput, error) {
		change := func(ng *ekstypes.Nodegroup) {
			if in.ScalingConfig != nil {
				ng.ScalingConfig = in.ScalingConfig
			}
			if in.Labels != nil {
				l := copyTags(ng.Labels)
				for k, v := range in.Labels.AddOrUpdateLabels {
					l[k] = v
				}
				for _, k := range in.Labels.RemoveLabels {
					delete(l, k)
				}
				ng.Labels = l
			}
			if in.Taints != nil {
				var ts []ekstypes.Taint
				for _, t := range ng.Taints {
					keep := true
					for _, r := range append(in.Taints.RemoveTaints, in.Taints.AddOrUpdateTaints...) {
						if aws.ToString(r.Key) == aws.ToString(t.Key) && r.Effect == t.Effect {
							keep = false
						}
					}
					if keep {
						ts = append(ts, t)
					}
				}
				ng.Taints = append(ts, in.Taints.AddOrUpdateTaints...)
			}
			if in.UpdateConfig != nil {
				ng.UpdateConfig = in.UpdateConfig
			}
		}
		u, err := nodegroupUpdate("UpdateNodegroupConfig", aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName), "", ekstypes.UpdateTypeConfigUpdate, func(ng *ekstypes.Nodegroup) error {
			if err := a.scalingRefusal("UpdateNodegroupConfig", aws.ToString(in.NodegroupName), ng.ScalingConfig, in.ScalingConfig); err != nil {
				return err
			}
			after := *ng
			change(&after)
			if cmp.Equal(nodeGroupFromAWS(ng), nodeGroupFromAWS(&after)) {
				return invalid("No changes were specified in the request")
			}
			return nil
		}, change)
		if err != nil {
			return nil, err
		}
		return &eks.UpdateNodegroupConfigOutput{Update: u}, nil
	}
	f.updateNodegroupVersionFn = func(_ context.Context, in *eks.UpdateNodegroupVersionInput) (*eks.UpdateNodegroupVersionOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		detail := ""
		if in.Version != nil {
			detail = " " + aws.ToString(in.Version)
		}
		u, err := nodegroupUpdate("UpdateNodegroupVersion", cluster, name, detail, ekstypes.UpdateTypeVersionUpdate, func(ng *ekstypes.Nodegroup) error {
			if in.ReleaseVersion == nil && aws.ToString(in.Version) == aws.ToString(ng.Version) {
				return invalid("Nodegroup %s is already at version %s", name, aws.ToString(in.Version))
			}
			if c := r().cluster(cluster); c != nil && in.Version != nil && compareVersions(aws.ToString(in.Version), aws.ToString(c.cl.Version)) > 0 {
				a.violate("UpdateNodegroupVersion %s to %s before the control plane (%s)", name, aws.ToString(in.Version), aws.ToString(c.cl.Version))
			}
			return nil
		}, func(ng *ekstypes.Nodegroup) {
			if in.Version != nil && aws.ToString(in.Version) != aws.ToString(ng.Version) {
				ng.Version, ng.ReleaseVersion = in.Version, aws.String(latestRelease(aws.ToString(in.Version)))
			}
			if in.ReleaseVersion != nil {
				ng.ReleaseVersion = in.ReleaseVersion
			}
		})
		if err != nil {
			return nil, err
		}
		return &eks.UpdateNodegroupVersionOutput{Update: u}, nil
	}

	f.listFargateProfilesFn = func(_ context.Context, in *eks.ListFargateProfilesInput) (*eks.ListFargateProfilesOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		return eksCall(a, "ListFargateProfiles", cluster, func() (*eks.ListFargateProfilesOutput, error) {
			if r().cluster(cluster) == nil {
				return nil, notFound("No cluster found for name: %s.", cluster)
			}
			page, next := a.page(r().children(r().fargate, cluster), in.NextToken)
			return &eks.ListFargateProfilesOutput{FargateProfileNames: page, NextToken: next}, nil
		})
	}
	f.createFargateProfileFn = func(_ context.Context, in *eks.CreateFargateProfileInput) (*eks.CreateFargateProfileOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.FargateProfileName)
		return eksCall(a, "CreateFargateProfile", name, func() (*eks.CreateFargateProfileOutput, error) {
			if c := r().cluster(cluster); c == nil || c.status != "ACTIVE" {
				a.violate("CreateFargateProfile %s before cluster %s is ACTIVE", name, cluster)
				return nil, notFound("No cluster found for name: %s.", cluster)
			}
			if r().fargateProfile(cluster, name) != nil {
				return nil, inUse("A Fargate Profile already exists with this name in this cluster.")
			}
			if busy := r().fargateBusy(cluster); busy != "" {
				a.violate("CreateFargateProfile %s while %s is creating or deleting", name, busy)
				return nil, inUse("Cannot create Fargate Profile %s because cluster %s currently has Fargate profile %s in status CREATING or DELETING", name, cluster, busy)
			}
			a.record("CreateFargateProfile %s/%s", cluster, name)
			o := &eksObject{name: name, cluster: cluster, arn: fargateARNOf(region, cluster, name), status: "CREATING", until: time.Now().Add(a.life.fargate), tags: copyTags(in.Tags)}
			o.fp = &ekstypes.FargateProfile{ClusterName: in.ClusterName, FargateProfileName: in.FargateProfileName, FargateProfileArn: aws.String(o.arn),
				PodExecutionRoleArn: in.PodExecutionRoleArn, Subnets: in.Subnets, Selectors: in.Selectors}
			r().fargate[cluster+"/"+name] = o
			return &eks.CreateFargateProfileOutput{FargateProfile: describeFargate(o)}, nil
		})
	}
	f.describeFargateProfileFn = func(_ context.Context, in *eks.DescribeFargateProfileInput) (*eks.DescribeFargateProfileOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.FargateProfileName)
		return eksCall(a, "DescribeFargateProfile", name, func() (*eks.DescribeFargateProfileOutput, error) {
			o := r().fargateProfile(cluster, name)
			if o == nil {
				return nil, notFound("No Fargate Profile found with name: %s.", name)
			}
			return &eks.DescribeFargateProfileOutput{FargateProfile: describeFargate(o)}, nil
		})
	}
	f.deleteFargateProfileFn = func(_ context.Context, in *eks.DeleteFargateProfileInput) (*eks.DeleteFargateProfileOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.FargateProfileName)
		return eksCall(a, "DeleteFargateProfile", name, func() (*eks.DeleteFargateProfileOutput, error) {
			o := r().fargateProfile(cluster, name)
			if o == nil {
				return nil, notFound("No Fargate Profile found with name: %s.", name)
			}
			if busy := r().fargateBusy(cluster); busy != "" {
				a.violate("DeleteFargateProfile %s while %s is creating or deleting", name, busy)
				return nil, inUse("cluster %s currently has Fargate profile %s in status CREATING or DELETING", cluster, busy)
			}
			a.record("DeleteFargateProfile %s/%s", cluster, name)
			o.status, o.until = "DELETING", time.Now().Add(a.life.fargate)
			return &eks.DeleteFargateProfileOutput{}, nil
		})
	}
	return f
}

// scalingRefusal is EKS's InvalidParameterException to a scaling
// configuration outside 0 <= minSize <= desiredSize <= maxSize, 1 <= maxSize
// (NodegroupScalingConfig, EKS API reference), recorded as a violation:
// apply must never send one. in is what the call sends (nil: no scaling
// change); live is the group's scaling now (nil at creation), whose sizes
// stand where in leaves one out. A CreateNodegroup without a desired size
// is left to EKS's default, not checked. Called with the lock held.
func (a *fakeAccount) scalingRefusal(op, name string, live, in *ekstypes.NodegroupScalingConfig) error {
	if in == nil {
		return nil
	}
	size := func(sent func(*ekstypes.NodegroupScalingConfig) *int32) *int32 {
		if v := sent(in); v != nil || live == nil {
			return v
		}
		return sent(live)
	}
	lo := aws.ToInt32(size(func(s *ekstypes.NodegroupScalingConfig) *int32 { return s.MinSize }))
	hi := aws.ToInt32(size(func(s *ekstypes.NodegroupScalingConfig) *int32 { return s.MaxSize }))
	desired := size(func(s *ekstypes.NodegroupScalingConfig) *int32 { return s.DesiredSize })
	var why string
	switch {
	case lo < 0:
		why = fmt.Sprintf("Minimum size %d can't be less than 0", lo)
	case hi < 1:
		why = fmt.Sprintf("Maximum size %d can't be less than 1", hi)
	case lo > hi:
		why = fmt.Sprintf("Minimum size %d can't be greater than maximum size %d", lo, hi)
	case desired != nil && *desired < lo:
		why = fmt.Sprintf("Minimum capacity %d can't be greater than desired size %d", lo, *desired)
	case desired != nil && *desired > hi:
		why = fmt.Sprintf("Desired capacity %d can't be greater than max size %d", *desired, hi)
	default:
		return nil
	}
	a.violate("%s %s: %s", op, name, why)
	return invalid("%s", why)
}

func nodegroupARNOf(region, cluster, name string) string {
	return "arn:aws:eks:" + region + ":" + testAccount + ":nodegroup/" + cluster + "/" + name + "/0000"
}

func fargateARNOf(region, cluster, name string) string {
	return "arn:aws:eks:" + region + ":" + testAccount + ":fargateprofile/" + cluster + "/" + name + "/0000"
}

// latestRelease is the AMI release EKS picks for a version.
func latestRelease(version string) string { return version + ".0-20250101" }

// describe* are the objects as Describe* returns them: status and tags
// filled in; taints in AWS's own order, not the order they were sent in.
func describeCluster(o *eksObject) *ekstypes.Cluster {
	c := *o.cl
	c.Status, c.Tags = ekstypes.ClusterStatus(o.status), copyTags(o.tags)
	return &c
}

func describeNodegroup(o *eksObject) *ekstypes.Nodegroup {
	n := *o.ng
	n.Status, n.Tags = ekstypes.NodegroupStatus(o.status), copyTags(o.tags)
	n.Taints = slices.Clone(n.Taints)
	slices.Reverse(n.Taints)
	return &n
}

func describeFargate(o *eksObject) *ekstypes.FargateProfile {
	f := *o.fp
	f.Status, f.Tags = ekstypes.FargateProfileStatus(o.status), copyTags(o.tags)
	return &f
}

// iamTrustForm is a trust policy as IAM might return it: URL-encoded, a
// single action not in a list.
func iamTrustForm(doc string) string {
	return url.PathEscape(strings.ReplaceAll(doc, `"Action":["sts:AssumeRole"]`, `"Action":"sts:AssumeRole"`))
}

// roleFolded finds a role by name regardless of case, as IAM does (role
// names are unique regardless of case), and returns its actual name.
func (a *fakeAccount) roleFolded(name string) (*iamRole, string) {
	if r := a.roles[name]; r != nil {
		return r, name
	}
	for n, r := range a.roles {
		if strings.EqualFold(n, name) {
			return r, n
		}
	}
	return nil, name
}

func (a *fakeAccount) fakeIAM() *fakeIAM {
	f := &fakeIAM{}
	// roleOp runs fn on an existing role.
	roleOp := func(op, name string, fn func(r *iamRole) error) error {
		_, err := iamCall(a, op, name, func() (*struct{}, error) {
			r := a.roles[name]
			if r == nil {
				return nil, noSuchEntity("The role with name %s cannot be found.", name)
			}
			return nil, fn(r)
		})
		return err
	}

	f.createRoleFn = func(_ context.Context, in *iam.CreateRoleInput) (*iam.CreateRoleOutput, error) {
		name := aws.ToString(in.RoleName)
		return iamCall(a, "CreateRole", name, func() (*iam.CreateRoleOutput, error) {
			if r, _ := a.roleFolded(name); r != nil {
				return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Role with name " + name + " already exists.")}
			}
			a.record("CreateRole %s", name)
			path := aws.ToString(in.Path)
			if path == "" {
				path = "/"
			}
			r := &iamRole{name: name, path: path, arn: roleARNAt(path, name), trust: aws.ToString(in.AssumeRolePolicyDocument),
				tags: map[string]string{}, attached: map[string]bool{}, inline: map[string]string{}}
			for _, t := range in.Tags {
				r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			a.roles[name] = r
			return &iam.CreateRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, Arn: aws.String(r.arn), Path: aws.String(path)}}, nil
		})
	}
	f.getRoleFn = func(_ context.Context, in *iam.GetRoleInput) (*iam.GetRoleOutput, error) {
		name := aws.ToString(in.RoleName)
		return iamCall(a, "GetRole", name, func() (*iam.GetRoleOutput, error) {
			r, name := a.roleFolded(name)
			if r == nil {
				return nil, noSuchEntity("The role with name %s cannot be found.", name)
			}
			return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: aws.String(name), Arn: aws.String(r.arn), Path: aws.String(r.path),
				AssumeRolePolicyDocument: aws.String(iamTrustForm(r.trust)), Tags: iamTags(r.tags)}}, nil
		})
	}
	f.listRolesFn = func(_ context.Context, in *iam.ListRolesInput) (*iam.ListRolesOutput, error) {
		return iamCall(a, "ListRoles", aws.ToString(in.PathPrefix), func() (*iam.ListRolesOutput, error) {
			var names []string
			for n, r := range a.roles {
				if strings.HasPrefix(r.path, aws.ToString(in.PathPrefix)) {
					names = append(names, n)
				}
			}
			page, next := a.page(names, in.Marker)
			out := &iam.ListRolesOutput{IsTruncated: next != nil, Marker: next}
			for _, n := range page {
				r := a.roles[n]
				// ListRoles leaves tags out.
				out.Roles = append(out.Roles, iamtypes.Role{RoleName: aws.String(n), Arn: aws.String(r.arn), Path: aws.String(r.path), AssumeRolePolicyDocument: aws.String(iamTrustForm(r.trust))})
			}
			return out, nil
		})
	}
	f.listRoleTagsFn = func(_ context.Context, in *iam.ListRoleTagsInput) (*iam.ListRoleTagsOutput, error) {
		out := &iam.ListRoleTagsOutput{}
		return out, roleOp("ListRoleTags", aws.ToString(in.RoleName), func(r *iamRole) error {
			page, next := a.page(sortedKeys(r.tags), in.Marker)
			out.IsTruncated, out.Marker = next != nil, next
			for _, k := range page {
				out.Tags = append(out.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(r.tags[k])})
			}
			return nil
		})
	}
	f.listAttachedRolePoliciesFn = func(_ context.Context, in *iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
		out := &iam.ListAttachedRolePoliciesOutput{}
		return out, roleOp("ListAttachedRolePolicies", aws.ToString(in.RoleName), func(r *iamRole) error {
			page, next := a.page(sortedKeys(r.attached), in.Marker)
			out.IsTruncated, out.Marker = next != nil, next
			for _, p := range page {
				out.AttachedPolicies = append(out.AttachedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(p)})
			}
			return nil
		})
	}
	f.listRolePoliciesFn = func(_ context.Context, in *iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error) {
		out := &iam.ListRolePoliciesOutput{}
		return out, roleOp("ListRolePolicies", aws.ToString(in.RoleName), func(r *iamRole) error {
			page, next := a.page(sortedKeys(r.inline), in.Marker)
			out.PolicyNames, out.IsTruncated, out.Marker = page, next != nil, next
			return nil
		})
	}
	f.getRolePolicyFn = func(_ context.Context, in *iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error) {
		out := &iam.GetRolePolicyOutput{}
		return out, roleOp("GetRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			doc, ok := r.inline[aws.ToString(in.PolicyName)]
			if !ok {
				return noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
			}
			out.RoleName, out.PolicyName, out.PolicyDocument = in.RoleName, in.PolicyName, aws.String(url.PathEscape(doc))
			return nil
		})
	}
	f.attachRolePolicyFn = func(_ context.Context, in *iam.AttachRolePolicyInput) (*iam.AttachRolePolicyOutput, error) {
		return &iam.AttachRolePolicyOutput{}, roleOp("AttachRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			a.record("AttachRolePolicy %s %s", r.name, aws.ToString(in.PolicyArn))
			r.attached[aws.ToString(in.PolicyArn)] = true
			return nil
		})
	}
	f.detachRolePolicyFn = func(_ context.Context, in *iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error) {
		return &iam.DetachRolePolicyOutput{}, roleOp("DetachRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			if !r.attached[aws.ToString(in.PolicyArn)] {
				return noSuchEntity("Policy %s was not found.", aws.ToString(in.PolicyArn))
			}
			a.record("DetachRolePolicy %s %s", r.name, aws.ToString(in.PolicyArn))
			delete(r.attached, aws.ToString(in.PolicyArn))
			return nil
		})
	}
	f.putRolePolicyFn = func(_ context.Context, in *iam.PutRolePolicyInput) (*iam.PutRolePolicyOutput, error) {
		return &iam.PutRolePolicyOutput{}, roleOp("PutRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			a.record("PutRolePolicy %s %s", r.name, aws.ToString(in.PolicyName))
			r.inline[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
			return nil
		})
	}
	f.deleteRolePolicyFn = func(_ context.Context, in *iam.DeleteRolePolicyInput) (*iam.DeleteRolePolicyOutput, error) {
		return &iam.DeleteRolePolicyOutput{}, roleOp("DeleteRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			if _, ok := r.inline[aws.ToString(in.PolicyName)]; !ok {
				return noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
			}
			a.record("DeleteRolePolicy %s %s", r.name, aws.ToString(in.PolicyName))
			delete(r.inline, aws.ToString(in.PolicyName))
			return nil
		})
	}
	f.updateAssumeRolePolicyFn = func(_ context.Context, in *iam.UpdateAssumeRolePolicyInput) (*iam.UpdateAssumeRolePolicyOutput, error) {
		return &iam.UpdateAssumeRolePolicyOutput{}, roleOp("UpdateAssumeRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			a.record("UpdateAssumeRolePolicy %s", r.name)
			r.trust = aws.ToString(in.PolicyDocument)
			return nil
		})
	}
	f.tagRoleFn = func(_ context.Context, in *iam.TagRoleInput) (*iam.TagRoleOutput, error) {
		return &iam.TagRoleOutput{}, roleOp("TagRole", aws.ToString(in.RoleName), func(r *iamRole) error {
			a.record("TagRole %s", r.name)
			for _, t := range in.Tags {
				r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return nil
		})
	}
	f.untagRoleFn = func(_ context.Context, in *iam.UntagRoleInput) (*iam.UntagRoleOutput, error) {
		return &iam.UntagRoleOutput{}, roleOp("UntagRole", aws.ToString(in.RoleName), func(r *iamRole) error {
			a.record("UntagRole %s", r.name)
			for _, k := range in.TagKeys {
				delete(r.tags, k)
			}
			return nil
		})
	}
	f.deleteRoleFn = func(_ context.Context, in *iam.DeleteRoleInput) (*iam.DeleteRoleOutput, error) {
		return &iam.DeleteRoleOutput{}, roleOp("DeleteRole", aws.ToString(in.RoleName), func(r *iamRole) error {
			if len(r.attached) > 0 || len(r.inline) > 0 {
				return &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete entity, must detach all policies first.")}
			}
			for _, reg := range a.regions {
				for _, m := range []map[string]*eksObject{reg.clusters, reg.nodegroups, reg.fargate} {
					for _, o := range m {
						var role string
						switch {
						case o.cl != nil:
							role = aws.ToString(o.cl.RoleArn)
						case o.ng != nil:
							role = aws.ToString(o.ng.NodeRole)
						case o.fp != nil:
							role = aws.ToString(o.fp.PodExecutionRoleArn)
						}
						if role == r.arn && o.status != "DELETING" {
							a.violate("DeleteRole %s while %s uses it", r.name, o.name)
						}
					}
				}
			}
			a.record("DeleteRole %s", r.name)
			delete(a.roles, r.name)
			return nil
		})
	}

	providerOp := func(op, arn string, fn func(p *iamProvider) error) error {
		_, err := iamCall(a, op, arn, func() (*struct{}, error) {
			p := a.providers[arn]
			if p == nil {
				return nil, noSuchEntity("OpenIDConnect provider %s not found", arn)
			}
			return nil, fn(p)
		})
		return err
	}
	f.listOpenIDConnectProvidersFn = func(_ context.Context, in *iam.ListOpenIDConnectProvidersInput) (*iam.ListOpenIDConnectProvidersOutput, error) {
		return iamCall(a, "ListOpenIDConnectProviders", "", func() (*iam.ListOpenIDConnectProvidersOutput, error) {
			out := &iam.ListOpenIDConnectProvidersOutput{}
			for _, arn := range sortedKeys(a.providers) {
				out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, iamtypes.OpenIDConnectProviderListEntry{Arn: aws.String(arn)})
			}
			return out, nil
		})
	}
	f.getOpenIDConnectProviderFn = func(_ context.Context, in *iam.GetOpenIDConnectProviderInput) (*iam.GetOpenIDConnectProviderOutput, error) {
		out := &iam.GetOpenIDConnectProviderOutput{}
		return out, providerOp("GetOpenIDConnectProvider", aws.ToString(in.OpenIDConnectProviderArn), func(p *iamProvider) error {
			// IAM returns the URL without its scheme.
			out.Url, out.ClientIDList, out.Tags = aws.String(strings.TrimPrefix(p.url, "https://")), p.clientIDs, iamTags(p.tags)
			return nil
		})
	}
	f.createOpenIDConnectProviderFn = func(_ context.Context, in *iam.CreateOpenIDConnectProviderInput) (*iam.CreateOpenIDConnectProviderOutput, error) {
		u := aws.ToString(in.Url)
		return iamCall(a, "CreateOpenIDConnectProvider", u, func() (*iam.CreateOpenIDConnectProviderOutput, error) {
			arn := providerARNOf(u)
			if a.providers[arn] != nil {
				return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Provider with url " + u + " already exists.")}
			}
			if len(in.ClientIDList) != 1 || in.ClientIDList[0] != OIDCClientID {
				a.violate("CreateOpenIDConnectProvider with client IDs %v", in.ClientIDList)
			}
			a.record("CreateOpenIDConnectProvider %s", u)
			p := &iamProvider{url: u, clientIDs: in.ClientIDList, tags: map[string]string{}}
			for _, t := range in.Tags {
				p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			a.providers[arn] = p
			return &iam.CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: aws.String(arn)}, nil
		})
	}
	f.deleteOpenIDConnectProviderFn = func(_ context.Context, in *iam.DeleteOpenIDConnectProviderInput) (*iam.DeleteOpenIDConnectProviderOutput, error) {
		arn := aws.ToString(in.OpenIDConnectProviderArn)
		return &iam.DeleteOpenIDConnectProviderOutput{}, providerOp("DeleteOpenIDConnectProvider", arn, func(*iamProvider) error {
			a.record("DeleteOpenIDConnectProvider %s", arn)
			delete(a.providers, arn)
			return nil
		})
	}
	f.tagOpenIDConnectProviderFn = func(_ context.Context, in *iam.TagOpenIDConnectProviderInput) (*iam.TagOpenIDConnectProviderOutput, error) {
		arn := aws.ToString(in.OpenIDConnectProviderArn)
		return &iam.TagOpenIDConnectProviderOutput{}, providerOp("TagOpenIDConnectProvider", arn, func(p *iamProvider) error {
			a.record("TagOpenIDConnectProvider %s", arn)
			for _, t := range in.Tags {
				p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return nil
		})
	}
	f.untagOpenIDConnectProviderFn = func(_ context.Context, in *iam.UntagOpenIDConnectProviderInput) (*iam.UntagOpenIDConnectProviderOutput, error) {
		arn := aws.ToString(in.OpenIDConnectProviderArn)
		return &iam.UntagOpenIDConnectProviderOutput{}, providerOp("UntagOpenIDConnectProvider", arn, func(p *iamProvider) error {
			a.record("UntagOpenIDConnectProvider %s", arn)
			for _, k := range in.TagKeys {
				delete(p.tags, k)
			}
			return nil
		})
	}
	return f
}

// Assertions over what the account holds and did.

// logged returns the log entries that start with prefix.
func (a *fakeAccount) logged(prefix string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, l := range a.log {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// logIndex is the position of the first log entry equal to entry, -1 if none.
func (a *fakeAccount) logIndex(entry string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Index(a.log, entry)
}

// state summarises what exists in the default region and IAM, sorted.
func (a *fakeAccount) state() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.in("")
	var out []string
	for _, name := range sortedKeys(r.clusters) {
		if o := r.cluster(name); o != nil {
			out = append(out, "cluster "+name+" "+aws.ToString(o.cl.Version))
			for _, n := range r.children(r.nodegroups, name) {
				out = append(out, "nodegroup "+name+"/"+n)
			}
			for _, n := range r.children(r.fargate, name) {
				out = append(out, "fargate "+name+"/"+n)
			}
		}
	}
	for name := range a.roles {
		out = append(out, "role "+name)
	}
	for arn := range a.providers {
		out = append(out, "oidc "+arn)
	}
	sort.Strings(out)
	return out
}

// Putting live objects in place, ACTIVE, as AWS would describe them; each
// returns the object as the planner observes it.

func (a *fakeAccount) putCluster(c *ClusterAttrs) *ClusterAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	arn := clusterARNOf(a.region, c.Name)
	o := &eksObject{name: c.Name, cluster: c.Name, arn: arn, status: "ACTIVE", tags: copyTags(c.Tags)}
	var types []ekstypes.LogType
	for _, t := range c.Logging {
		types = append(types, ekstypes.LogType(t))
	}
	o.cl = &ekstypes.Cluster{
		Name: aws.String(c.Name), Arn: aws.String(arn), Version: aws.String(c.Version), RoleArn: aws.String(c.RoleARN),
		ResourcesVpcConfig: &ekstypes.VpcConfigResponse{SubnetIds: c.SubnetIDs, SecurityGroupIds: c.SecurityGroupIDs,
			EndpointPublicAccess: c.EndpointPublicAccess, EndpointPrivateAccess: c.EndpointPrivateAccess, PublicAccessCidrs: c.PublicAccessCIDRs},
		Identity: &ekstypes.Identity{Oidc: &ekstypes.OIDC{Issuer: aws.String(issuerOf(a.region, c.Name))}},
		Logging:  &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: types, Enabled: aws.Bool(true)}}},
	}
	if c.KMSKeyARN != "" {
		o.cl.EncryptionConfig = encryptionConfig(c.KMSKeyARN)
	}
	a.in("").clusters[c.Name] = o
	return clusterFromAWS(describeCluster(o))
}

func (a *fakeAccount) putNodeGroup(cluster string, n *NodeGroupAttrs) *NodeGroupAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	arn := nodegroupARNOf(a.region, cluster, n.Name)
	o := &eksObject{name: n.Name, cluster: cluster, arn: arn, status: "ACTIVE", tags: copyTags(n.Tags)}
	o.ng = &ekstypes.Nodegroup{
		ClusterName: aws.String(cluster), NodegroupName: aws.String(n.Name), NodegroupArn: aws.String(arn),
		InstanceTypes: n.InstanceTypes, AmiType: ekstypes.AMITypes(n.AMIType), CapacityType: ekstypes.CapacityTypes(n.CapacityType),
		DiskSize: aws.Int32(int32(n.DiskSize)), Subnets: n.SubnetIDs, NodeRole: aws.String(n.NodeRoleARN),
		Version: aws.String(n.Version), ReleaseVersion: aws.String(latestRelease(n.Version)), Labels: copyTags(n.Labels),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(int32(n.MinSize)), MaxSize: aws.Int32(int32(n.MaxSize))},
		UpdateConfig:  &ekstypes.NodegroupUpdateConfig{},
	}
	if n.ReleaseVersion != "" {
		o.ng.ReleaseVersion = aws.String(n.ReleaseVersion)
	}
	if n.DesiredSize != nil {
		o.ng.ScalingConfig.DesiredSize = aws.Int32(int32(*n.DesiredSize))
	}
	if n.MaxUnavailable != nil {
		o.ng.UpdateConfig.MaxUnavailable = aws.Int32(int32(*n.MaxUnavailable))
	}
	if n.MaxUnavailablePercentage != nil {
		o.ng.UpdateConfig.MaxUnavailablePercentage = aws.Int32(int32(*n.MaxUnavailablePercentage))
	}
	for _, t := range n.Taints {
		o.ng.Taints = append(o.ng.Taints, ekstypes.Taint{Key: aws.String(t.Key), Value: aws.String(t.Value), Effect: ekstypes.TaintEffect(t.Effect)})
	}
	a.in("").nodegroups[cluster+"/"+n.Name] = o
	return nodeGroupFromAWS(describeNodegroup(o))
}

func (a *fakeAccount) putFargate(cluster string, fp *FargateProfileAttrs) *FargateProfileAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	arn := fargateARNOf(a.region, cluster, fp.Name)
	o := &eksObject{name: fp.Name, cluster: cluster, arn: arn, status: "ACTIVE", tags: copyTags(fp.Tags)}
	o.fp = &ekstypes.FargateProfile{ClusterName: aws.String(cluster), FargateProfileName: aws.String(fp.Name), FargateProfileArn: aws.String(arn),
		Subnets: fp.SubnetIDs, PodExecutionRoleArn: aws.String(fp.PodExecutionRoleARN)}
	for _, s := range fp.Selectors {
		o.fp.Selectors = append(o.fp.Selectors, ekstypes.FargateProfileSelector{Namespace: aws.String(s.Namespace), Labels: s.Labels})
	}
	a.in("").fargate[cluster+"/"+fp.Name] = o
	return fargateFromAWS(describeFargate(o))
}

// putRole stores a role with its managed policies, its inline policy (as
// InlinePolicyName) and tags.
func (a *fakeAccount) putRole(r *RoleAttrs) *RoleAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	role := &iamRole{name: r.Name, path: r.Path, arn: roleARNAt(r.Path, r.Name), trust: r.AssumeRolePolicy,
		tags: copyTags(r.Tags), attached: map[string]bool{}, inline: map[string]string{}}
	for _, p := range r.PolicyARNs {
		role.attached[p] = true
	}
	if r.InlinePolicy != "" {
		role.inline[InlinePolicyName] = r.InlinePolicy
	}
	a.roles[r.Name] = role
	out := *r
	out.ARN, out.Tags = role.arn, copyTags(r.Tags)
	return &out
}

func (a *fakeAccount) putProvider(p *OIDCProviderAttrs) *OIDCProviderAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	arn := providerARNOf(p.URL)
	a.providers[arn] = &iamProvider{url: p.URL, clientIDs: p.ClientIDs, tags: copyTags(p.Tags)}
	out := *p
	out.ARN, out.Tags = arn, copyTags(p.Tags)
	return &out
}
