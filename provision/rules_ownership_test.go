package provision

// The ownership rules a user relies on ("nothing eksctl-lite did not create
// is ever changed or deleted"), each tested so that breaking the rule fails
// a test: unowned Fargate profiles, node groups and IAM roles, whether they
// exist at plan time or appear between the plan and the apply, and IAM
// roles of the same-named cluster in another region.

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// theirTags are the tags of a resource eksctl-lite did not create.
var theirTags = map[string]string{"team": "data"}

// snapshot is everything the account holds about one object, to tell
// whether anything changed it. kind is "fargate", "nodegroup" or "role".
func snapshot(t *testing.T, w *fakeAccount, region, kind, name string) string {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	var v any
	switch kind {
	case "fargate":
		if o := w.in(region).fargateProfile("demo", name); o != nil {
			v = []any{o.status, o.tags, o.fp}
		}
	case "nodegroup":
		if o := w.in(region).nodegroup("demo", name); o != nil {
			v = []any{o.status, o.tags, o.ng}
		}
	case "role":
		if r := w.roles[name]; r != nil {
			v = []any{r.path, r.trust, r.tags, r.attached, r.inline}
		}
	default:
		t.Fatalf("unknown kind %s", kind)
	}
	if v == nil {
		return "gone"
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// logMark is the length of the account's call log, for callsNaming.
func logMark(w *fakeAccount) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.log)
}

// callsNaming lists the mutating calls the account accepted since the log
// mark since that name the object name (alone or as cluster/name).
func callsNaming(w *fakeAccount, since int, name string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, l := range w.log[since:] {
		for _, f := range strings.Fields(l) {
			if f == name || f == "demo/"+name {
				out = append(out, l)
				break
			}
		}
	}
	return out
}

// touching lists "address action" of the changes whose live or desired
// attributes are the EKS object or IAM role called name.
func touching(p *Plan, name string) []string {
	var out []string
	for _, ch := range p.Changes {
		for _, attrs := range []any{ch.Before, ch.After} {
			n := ""
			switch a := attrs.(type) {
			case *FargateProfileAttrs:
				n = a.Name
			case *NodeGroupAttrs:
				n = a.Name
			case *RoleAttrs:
				n = a.Name
			}
			if n == name {
				out = append(out, ch.Address+" "+string(ch.Action))
				break
			}
		}
	}
	return out
}

// saved is p written with WritePlanFile and read back, as apply PLANFILE
// reads it.
func saved(t *testing.T, p *Plan) *Plan {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.plan")
	if err := WritePlanFile(path, p); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPlanFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func putTheirFargate(w *fakeAccount, name string) *FargateProfileAttrs {
	return w.putFargate("demo", &FargateProfileAttrs{Name: name, SubnetIDs: []string{"subnet-a"}, PodExecutionRoleARN: "arn:aws:iam::111122223333:role/theirs",
		Selectors: []SelectorAttrs{{Namespace: name}}, Tags: theirTags})
}

// An unowned Fargate profile in an owned cluster is never updated,
// replaced or deleted by a plan, and a block of its name is an error.
func TestUnownedFargateProfileNeverPlanned(t *testing.T) {
	tests := map[string]struct {
		give    func(c *spec.Cluster)
		opts    PlanOptions
		wantErr string // summary of the refusal, "" for a plan
	}{
		"not in the configuration: not deleted": {},
		"destroy: not deleted":                  {opts: PlanOptions{Destroy: true}},
		"a block of its name, as it is: refused, not adopted": {
			give: func(c *spec.Cluster) {
				fp := testFargate(c, "theirs")
				fp.PodExecutionRoleARN = "arn:aws:iam::111122223333:role/theirs"
			},
			wantErr: `Fargate profile "theirs" exists but is not managed by eksctl-lite`,
		},
		"a block of its name, other selectors: refused, not replaced": {
			give:    func(c *spec.Cluster) { testFargate(c, "theirs").Selectors = []spec.Selector{{Namespace: "other"}} },
			wantErr: `Fargate profile "theirs" exists but is not managed by eksctl-lite`,
		},
		"a block of its name, other tags: refused, not updated": {
			give: func(c *spec.Cluster) {
				fp := testFargate(c, "theirs")
				fp.PodExecutionRoleARN = "arn:aws:iam::111122223333:role/theirs"
				fp.Tags = map[string]string{"team": "platform"}
			},
			wantErr: `Fargate profile "theirs" exists but is not managed by eksctl-lite`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := converged(t, testConfig(fullCluster("demo")))
			putTheirFargate(w, "theirs")
			c := fullCluster("demo")
			if tt.give != nil {
				tt.give(c)
			}
			p, diags := MakePlan(context.Background(), testConfig(c), w.factory(), tt.opts)
			if tt.wantErr != "" {
				if !diags.HasErrors() {
					t.Fatalf("planned %v; want the refusal %q", summaryOfChanges(p), tt.wantErr)
				}
				if diags[0].Summary != tt.wantErr {
					t.Errorf("summary = %q, want %q", diags[0].Summary, tt.wantErr)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if got := touching(p, "theirs"); len(got) != 0 {
				t.Errorf("the plan touches the unowned profile: %v", got)
			}
			if tt.opts.Destroy && !slices.Contains(summaryOfChanges(p), "cluster.demo.fargate_profile.system delete") {
				t.Errorf("destroy does not delete the owned profile: %v", summaryOfChanges(p))
			}
		})
	}
}

// Applying a destroy leaves an unowned Fargate profile of the cluster
// alone (and so cannot delete the cluster).
func TestDestroyNeverDeletesUnownedFargateProfile(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo")))
	putTheirFargate(w, "theirs")
	was := snapshot(t, w, "", "fargate", "theirs")
	p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{Destroy: true})
	var out syncBuffer
	opts := fastOptions(nil)
	opts.Progress = &out
	mark := logMark(w)
	// The plan keeps the cluster the unowned profile blocks (issue 8.2),
	// so the destroy succeeds without touching it.
	if _, err := Apply(context.Background(), p, w.factory(), opts); err != nil {
		t.Errorf("destroy: %v", err)
	}
	if w.cluster("demo") == nil {
		t.Error("the cluster holding the unowned profile was deleted")
	}
	if d := cmp.Diff(was, snapshot(t, w, "", "fargate", "theirs")); d != "" {
		t.Errorf("the unowned profile changed (-before +after):\n%s", d)
	}
	if got := callsNaming(w, mark, "theirs"); len(got) != 0 {
		t.Errorf("calls on the unowned profile: %v", got)
	}
	if w.fargateProfile("demo", "system") != nil {
		t.Error("the owned profile system was not deleted")
	}
}

// appearsAfterPlan: a saved plan wants to create a resource that did not
// exist when it was made; before it is applied, an unowned resource of
// that name appears. Apply refuses it (the change fails, naming the owner
// problem) and changes nothing about it; the saved plan is stale.
func TestUnownedResourceAppearingAfterPlanIsNeverTaken(t *testing.T) {
	type setup struct {
		give func(c *spec.Cluster) // the configuration planned, from fullCluster
		// appear puts the unowned resource in place and returns its kind,
		// name and region ("" the default) for snapshot.
		appear func(t *testing.T, w *fakeAccount, p *Plan) (kind, name, region string)
		addr   string // the change that must fail
		// keep lists other objects that must be left as they are.
		keep [][2]string
		// notStale: the saved plan does not look stale, because the
		// fingerprints cover only the address's own live objects, not
		// the planned name of a replacement; apply still refuses.
		notStale bool
	}
	tests := map[string]setup{
		"Fargate profile": {
			give: func(c *spec.Cluster) { testFargate(c, "late") },
			appear: func(t *testing.T, w *fakeAccount, p *Plan) (string, string, string) {
				putTheirFargate(w, "late")
				return "fargate", "late", ""
			},
			addr: "cluster.demo.fargate_profile.late",
		},
		"node group": {
			give: func(c *spec.Cluster) { testNodeGroup(c, "late") },
			appear: func(t *testing.T, w *fakeAccount, p *Plan) (string, string, string) {
				n := nodeGroupAttrs(testCluster("demo"), testNodeGroup(testCluster("demo"), "late"), "late", "arn:aws:iam::111122223333:role/theirs", "1.31")
				n.Tags = theirTags
				w.putNodeGroup("demo", n)
				return "nodegroup", "late", ""
			},
			addr: "cluster.demo.node_group.late",
		},
		"node group under the name of a planned replacement": {
			give: func(c *spec.Cluster) { c.NodeGroups[0].InstanceTypes = []string{"m5.large"} },
			appear: func(t *testing.T, w *fakeAccount, p *Plan) (string, string, string) {
				name := changeOf(t, p, generalAddr).After.(*NodeGroupAttrs).Name
				n := nodeGroupAttrs(testCluster("demo"), testNodeGroup(testCluster("demo"), name), name, "arn:aws:iam::111122223333:role/theirs", "1.31")
				n.Tags = theirTags
				w.putNodeGroup("demo", n)
				return "nodegroup", name, ""
			},
			addr: generalAddr,
			// The old group must not be deleted: its replacement was not created.
			keep:     [][2]string{{"nodegroup", "general"}},
			notStale: true,
		},
		"irsa role, not eksctl-lite's": {
			give: func(c *spec.Cluster) { testIRSA(c, "late") },
			appear: func(t *testing.T, w *fakeAccount, p *Plan) (string, string, string) {
				w.putRole(&RoleAttrs{Name: "demo-late", Path: RolePath, AssumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"), Tags: theirTags})
				return "role", "demo-late", ""
			},
			addr: "cluster.demo.irsa.late",
		},
		"irsa role of the same cluster and address in another region": {
			give: func(c *spec.Cluster) { testIRSA(c, "late") },
			appear: func(t *testing.T, w *fakeAccount, p *Plan) (string, string, string) {
				tags := ownedTags(nil, "demo", "cluster.demo.irsa.late")
				tags[TagRegion] = "us-east-1"
				w.putRole(&RoleAttrs{Name: "demo-late", Path: RolePath, AssumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
					PolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, Tags: tags})
				return "role", "demo-late", ""
			},
			addr: "cluster.demo.irsa.late",
		},
		"irsa role of another cluster in the same region": {
			give: func(c *spec.Cluster) { testIRSA(c, "late") },
			appear: func(t *testing.T, w *fakeAccount, p *Plan) (string, string, string) {
				tags := ownedTags(nil, "other", "cluster.other.irsa.late")
				tags[TagRegion] = "eu-west-1"
				w.putRole(&RoleAttrs{Name: "demo-late", Path: RolePath, AssumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"), Tags: tags})
				return "role", "demo-late", ""
			},
			addr: "cluster.demo.irsa.late",
		},
		"managed pod execution role, not eksctl-lite's": {
			give: func(c *spec.Cluster) {}, // planned from a cluster without Fargate: see below
			appear: func(t *testing.T, w *fakeAccount, p *Plan) (string, string, string) {
				name := PodExecutionRoleName("demo", "eu-west-1")
				w.putRole(&RoleAttrs{Name: name, Path: RootRolePath, AssumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"), Tags: theirTags})
				return "role", name, ""
			},
			addr: PodExecutionRoleAddress("demo"),
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			base := fullCluster("demo")
			managedRole := tt.addr == PodExecutionRoleAddress("demo")
			if managedRole {
				base.FargateProfiles = nil
			}
			w := converged(t, testConfig(base))
			c := fullCluster("demo")
			tt.give(c)
			p := mustPlan(t, w, testConfig(c), PlanOptions{})
			if ch := changeOf(t, p, tt.addr); ch.Action != Create && ch.Action != Replace {
				t.Fatalf("%s: %s, want create or replace", tt.addr, ch.Action)
			}
			p = saved(t, p)

			kind, obj, region := tt.appear(t, w, p)
			was := snapshot(t, w, region, kind, obj)
			kept := map[[2]string]string{}
			for _, k := range tt.keep {
				kept[k] = snapshot(t, w, "", k[0], k[1])
			}

			now, err := RefreshFingerprints(context.Background(), p, w.factory())
			if err != nil {
				t.Fatal(err)
			}
			if stale := StaleAddresses(p, now); !tt.notStale && !slices.Contains(stale, tt.addr) {
				t.Errorf("stale addresses = %v, want %s among them", stale, tt.addr)
			}

			var out syncBuffer
			opts := fastOptions(nil)
			opts.Progress = &out
			mark := logMark(w)
			res, err := Apply(context.Background(), p, w.factory(), opts)
			if err == nil {
				t.Fatalf("apply succeeded, taking over the unowned %s %s:\n%s", kind, obj, out.String())
			}
			for _, rr := range res.Resources {
				if rr.Address == tt.addr && (rr.Outcome != OutcomeFailed || !strings.Contains(rr.Err.Error(), "own")) {
					t.Errorf("%s: %s (%v), want failed because eksctl-lite does not own it", tt.addr, rr.Outcome, rr.Err)
				}
			}
			if d := cmp.Diff(was, snapshot(t, w, region, kind, obj)); d != "" {
				t.Errorf("the unowned %s %s changed (-before +after):\n%s", kind, obj, d)
			}
			if got := callsNaming(w, mark, obj); len(got) != 0 {
				t.Errorf("calls on the unowned %s %s: %v", kind, obj, got)
			}
			for k, was := range kept {
				if d := cmp.Diff(was, snapshot(t, w, "", k[0], k[1])); d != "" {
					t.Errorf("%s %s changed (-before +after):\n%s", k[0], k[1], d)
				}
			}
			requireNoViolations(t, w)
		})
	}
}

// An owned resource the plan deletes, replaces or updates is swapped for
// an unowned one of the same name before the apply (someone deleted ours
// and created theirs, e.g. while apply waited for "yes"). A saved plan is
// refused as stale; Apply itself must not delete or change theirs either.
func TestOwnedResourceSwappedForUnownedAfterPlan(t *testing.T) {
	tests := map[string]struct {
		give   func(c *spec.Cluster)
		addr   string
		action Action
		kind   string
		obj    string
		swap   func(w *fakeAccount)
		opts   PlanOptions
	}{
		"Fargate profile planned for deletion": {
			give: func(c *spec.Cluster) { c.FargateProfiles = nil },
			addr: "cluster.demo.fargate_profile.system", action: Delete, kind: "fargate", obj: "system",
			swap: func(w *fakeAccount) { putTheirFargate(w, "system") },
		},
		"Fargate profile planned for replacement": {
			give: func(c *spec.Cluster) { c.FargateProfiles[0].Selectors = []spec.Selector{{Namespace: "other"}} },
			addr: "cluster.demo.fargate_profile.system", action: Replace, kind: "fargate", obj: "system",
			swap: func(w *fakeAccount) { putTheirFargate(w, "system") },
		},
		"node group planned for deletion": {
			give: func(c *spec.Cluster) { c.NodeGroups = nil },
			addr: generalAddr, action: Delete, kind: "nodegroup", obj: "general",
			swap: func(w *fakeAccount) {
				n := nodeGroupAttrs(testCluster("demo"), testNodeGroup(testCluster("demo"), "general"), "general", "arn:aws:iam::111122223333:role/theirs", "1.31")
				n.Tags = theirTags
				w.putNodeGroup("demo", n)
			},
		},
		"node group planned for an in-place update": {
			give: func(c *spec.Cluster) { c.NodeGroups[0].Scaling.MaxSize = 5 },
			addr: generalAddr, action: Update, kind: "nodegroup", obj: "general",
			swap: func(w *fakeAccount) {
				n := nodeGroupAttrs(testCluster("demo"), testNodeGroup(testCluster("demo"), "general"), "general", "arn:aws:iam::111122223333:role/theirs", "1.31")
				n.Tags = theirTags
				w.putNodeGroup("demo", n)
			},
		},
		"irsa role planned for destroy, now the same cluster's in another region": {
			give: func(c *spec.Cluster) {}, opts: PlanOptions{Destroy: true},
			addr: "cluster.demo.irsa.s3-reader", action: Delete, kind: "role", obj: "demo-s3-reader",
			swap: func(w *fakeAccount) {
				tags := ownedTags(nil, "demo", "cluster.demo.irsa.s3-reader")
				tags[TagRegion] = "us-east-1"
				w.putRole(&RoleAttrs{Name: "demo-s3-reader", Path: RolePath, AssumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
					PolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, Tags: tags})
			},
		},
		"managed node role planned for deletion": {
			give: func(c *spec.Cluster) { c.NodeGroups = nil },
			addr: NodeRoleAddress("demo"), action: Delete, kind: "role", obj: NodeRoleName("demo", "eu-west-1"),
			swap: func(w *fakeAccount) {
				w.putRole(&RoleAttrs{Name: NodeRoleName("demo", "eu-west-1"), Path: RootRolePath, AssumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"), Tags: theirTags})
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := converged(t, testConfig(fullCluster("demo")))
			c := fullCluster("demo")
			tt.give(c)
			p := mustPlan(t, w, testConfig(c), tt.opts)
			if ch := changeOf(t, p, tt.addr); ch.Action != tt.action {
				t.Fatalf("%s: %s, want %s", tt.addr, ch.Action, tt.action)
			}
			p = saved(t, p)
			tt.swap(w)
			was := snapshot(t, w, "", tt.kind, tt.obj)

			now, err := RefreshFingerprints(context.Background(), p, w.factory())
			if err != nil {
				t.Fatal(err)
			}
			if stale := StaleAddresses(p, now); !slices.Contains(stale, tt.addr) {
				t.Errorf("stale addresses = %v, want %s among them", stale, tt.addr)
			}
			var out syncBuffer
			opts := fastOptions(nil)
			opts.Progress = &out
			_, _ = Apply(context.Background(), p, w.factory(), opts)
			if d := cmp.Diff(was, snapshot(t, w, "", tt.kind, tt.obj)); d != "" {
				t.Errorf("the unowned %s %s changed (-before +after):\n%s\n%s", tt.kind, tt.obj, d, out.String())
			}
		})
	}
}

// Destroying cluster demo in one region never deletes the IAM roles of
// cluster demo in another region, at plan or at apply, even when the
// destroyed configuration names one of them (an irsa role_name the other
// region's cluster holds).
func TestDestroyNeverDeletesRolesOfTheSameClusterInAnotherRegion(t *testing.T) {
	tests := map[string]struct {
		// irsa is the irsa label of the eu-west-1 configuration; its
		// role name is demo-<irsa>.
		irsa string
	}{
		"distinct irsa role names":                               {irsa: "b"},
		"irsa role name held by the cluster in the other region": {irsa: "a"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := newFakeAccount()
			east := testConfig(regionCluster("us-east-1", "a"))
			w.apply(t, mustPlan(t, w, east, PlanOptions{}))
			if tt.irsa != "a" {
				w.apply(t, mustPlan(t, w, testConfig(regionCluster("eu-west-1", tt.irsa)), PlanOptions{}))
			}
			eastRoles := map[string]string{}
			w.mu.Lock()
			for n, r := range w.roles {
				if r.tags[TagRegion] == "us-east-1" {
					eastRoles[n] = ""
				}
			}
			w.mu.Unlock()
			if len(eastRoles) != 4 {
				t.Fatalf("us-east-1 has roles %v, want its 4", eastRoles)
			}
			for n := range eastRoles {
				eastRoles[n] = snapshot(t, w, "us-east-1", "role", n)
			}

			p := mustPlan(t, w, testConfig(regionCluster("eu-west-1", tt.irsa)), PlanOptions{Destroy: true})
			for n := range eastRoles {
				if got := touching(p, n); len(got) != 0 {
					t.Errorf("destroy in eu-west-1 plans %v on role %s of us-east-1", got, n)
				}
			}
			var out syncBuffer
			opts := fastOptions(nil)
			opts.Progress = &out
			mark := logMark(w)
			if _, err := Apply(context.Background(), p, w.factory(), opts); err != nil {
				t.Fatalf("Apply: %v\n%s", err, out.String())
			}
			for n, was := range eastRoles {
				if d := cmp.Diff(was, snapshot(t, w, "us-east-1", "role", n)); d != "" {
					t.Errorf("role %s of us-east-1 changed (-before +after):\n%s", n, d)
				}
				if got := callsNaming(w, mark, n); len(got) != 0 {
					t.Errorf("calls on role %s of us-east-1: %v", n, got)
				}
			}
			// The us-east-1 configuration is still converged.
			if p := mustPlan(t, w, east, PlanOptions{}); p.HasChanges() {
				t.Errorf("us-east-1 after the destroy in eu-west-1: %v", summaryOfChanges(p))
			}
		})
	}
}
