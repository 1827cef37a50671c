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
//
// This file is the account itself; each kind's operations are in a file of
// their own, as the kinds are in the package: fake_cluster_test.go,
// fake_nodegroup_test.go, fake_fargate_test.go, fake_iam_test.go (roles and
// OIDC providers), fake_podidentity_test.go, fake_access_test.go.

import (
	"bytes"
	"context"
	"fmt"
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
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const testAccount = "111122223333"

// lifecycle is how long AWS takes; zero durations are instant.
type lifecycle struct {
	cluster, nodeGroup, fargate, update, addon time.Duration
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
	pia                *ekstypes.PodIdentityAssociation
	addon              *ekstypes.Addon
	entry              *fakeEntry // an access entry
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
	clusters   map[string]*eksObject    // by name
	nodegroups map[string]*eksObject    // by cluster/name
	fargate    map[string]*eksObject    // by cluster/name
	pods       map[string]*eksObject    // Pod Identity associations, by cluster/ID
	podSeq     map[string]int           // associations made per cluster/namespace/service account, and access entries per "access/"cluster/principal
	addons     map[string]*eksObject    // by cluster/name
	access     map[string]*eksObject    // access entries, by cluster/principal
	templates  map[string]*fakeTemplate // EC2 launch templates, by name
	asgs       map[string]*fakeASG      // EC2 Auto Scaling groups, by name
	subnets    map[string]*fakeSubnet   // EC2 subnets, by ID (putSubnet)
	params     map[string]string        // SSM parameters of the account (locks)
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
	profiles  map[string]*iamProfile  // instance profiles, by name
	// calendar is what DescribeClusterVersions answers (nil: every
	// version in standard support; see fake_versions_test.go).
	calendar []fakeVersion
	amis     map[string]string // SSM public AMI parameters published by a test (publishAMI), by name
	clients  map[string]*Clients
	nextID   int

	calls map[string]int
	// log lists the accepted mutating calls in order, e.g.
	// "CreateNodegroup demo/general".
	log []string
	// violations lists broken EKS rules; a correct apply leaves it empty.
	violations []string
	// lastCreateAddon and lastUpdateAddon are the last add-on calls accepted.
	lastCreateAddon *eks.CreateAddonInput
	lastUpdateAddon *eks.UpdateAddonInput
}

// newFakeAccount is an empty account whose default region is eu-west-1,
// where everything happens at once.
func newFakeAccount() *fakeAccount {
	return &fakeAccount{
		region: "eu-west-1", failUpdates: map[string]bool{}, regions: map[string]*eksRegion{}, updates: map[string]*eksUpdate{},
		roles: map[string]*iamRole{}, providers: map[string]*iamProvider{}, profiles: map[string]*iamProfile{}, amis: map[string]string{}, clients: map[string]*Clients{}, calls: map[string]int{},
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
		c := &Clients{EKS: regionEKS{a.fakeEKS(region), region}, IAM: a.clients[""].IAM, EC2: &fakeEC2{a: a, region: region},
			AutoScaling: &fakeAutoScaling{a: a, region: region}, SSM: &fakeSSM{a: a, region: region}}
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
		r = &eksRegion{clusters: map[string]*eksObject{}, nodegroups: map[string]*eksObject{}, fargate: map[string]*eksObject{}, pods: map[string]*eksObject{}, podSeq: map[string]int{}, addons: map[string]*eksObject{}, access: map[string]*eksObject{}, templates: map[string]*fakeTemplate{}, asgs: map[string]*fakeASG{}, subnets: map[string]*fakeSubnet{}}
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
	for _, m := range []map[string]*eksObject{r.clusters, r.nodegroups, r.fargate, r.pods, r.addons, r.access} {
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
	a.fakeClusterOps(f, region)
	a.fakeNodegroupOps(f, region)
	a.fakeFargateOps(f, region)
	a.fakePodIdentityOps(f, region)
	a.fakeAddonOps(f, region)
	a.fakeAccessOps(f, region)
	a.fakeConnectorOps(f, region)
	a.fakeVersionOps(f)
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
			for _, n := range r.children(r.addons, name) {
				out = append(out, "addon "+name+"/"+n)
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
