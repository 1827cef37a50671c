package provision

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Every kind the package defines a Type for is registered, with everything
// the engine reads from it; its attribute struct round-trips through JSON
// (saved plans) as itself.
func TestRegistryHasEveryKind(t *testing.T) {
	types := []Type{TypeCluster, TypeNodeGroup, TypeAutoScalingGroup, TypeLaunchTemplate, TypeInstanceProfile, TypeFargateProfile, TypeSubnetTag, TypeOIDCProvider, TypeRole, TypePodIdentity, TypeAddon, TypeAccessEntry, TypeAccessPolicy, TypeConnectedCluster}
	if len(kinds) != len(types) {
		t.Errorf("%d kinds registered, want %d", len(kinds), len(types))
	}
	for _, typ := range types {
		k, err := kindOf(typ)
		if err != nil {
			t.Errorf("%s: %v", typ, err)
			continue
		}
		if k.typ != typ || k.schema == nil || k.newAttrs == nil || k.apply == nil || k.findLive == nil || k.weight <= 0 {
			t.Errorf("%s: incomplete descriptor %+v", typ, k)
		}
		// Every kind is planned and destroyed; every kind but the cluster
		// (observeCluster's root) says how its objects are read.
		if k.plan == nil || k.destroy == nil && k.settle == nil {
			t.Errorf("%s: no plan, or neither destroy nor settle: nothing would plan it", typ)
		}
		reads := 0
		for _, f := range []bool{k.observe != nil, k.readAccount != nil, typ == TypeCluster} {
			if f {
				reads++
			}
		}
		if reads != 1 {
			t.Errorf("%s: read %d ways, want exactly one of observe, readAccount (or being the cluster)", typ, reads)
		}
		if k.observe != nil && k.noun == "" {
			t.Errorf("%s: a child kind needs a noun", typ)
		}
		if (k.readForBlocks != nil) != (k.blockReadFailure != "") {
			t.Errorf("%s: readForBlocks and blockReadFailure go together", typ)
		}
		if (k.readAccount != nil) != (k.accountReadFailure != "") {
			t.Errorf("%s: readAccount and accountReadFailure go together", typ)
		}
		if k.observeWithCluster != nil && k.readAccount == nil {
			t.Errorf("%s: observeWithCluster picks from what readAccount read, which it lacks", typ)
		}
		a := k.newAttrs()
		if reflect.ValueOf(a).Kind() != reflect.Pointer {
			t.Errorf("%s: newAttrs returns %T, want a pointer", typ, a)
		}
		declared := map[string]bool{}
		for _, key := range attrKeys(a) {
			declared[key] = true
		}
		for path := range k.schema {
			if !declared[path] {
				t.Errorf("%s: schema path %q is not an attribute of %T", typ, path, a)
			}
		}
		if k.nameKey != "" {
			if _, ok := jsonFields(a)[k.nameKey]; !ok {
				t.Errorf("%s: nameKey %q is not an attribute of %T", typ, k.nameKey, a)
			}
		}
		b, _ := json.Marshal(a)
		got, err := decodeAttrs(typ, b)
		if err != nil || reflect.TypeOf(got) != reflect.TypeOf(a) {
			t.Errorf("%s: decodeAttrs = %T, %v; want %T", typ, got, err, a)
		}
	}
	var children []Type
	for _, k := range kindsOf(clusterRoot) {
		if k.observe != nil {
			children = append(children, k.typ)
		}
	}
	if got := kindsOf(connectedRoot); len(got) != 2 || got[0].typ != TypeRole || got[1].typ != TypeConnectedCluster {
		t.Errorf("a connected cluster's kinds: %v, want the role kind and its own", got)
	}
	if want := []Type{TypeNodeGroup, TypeAutoScalingGroup, TypeLaunchTemplate, TypeInstanceProfile, TypeFargateProfile, TypeSubnetTag, TypePodIdentity, TypeAddon, TypeAccessEntry, TypeAccessPolicy}; !reflect.DeepEqual(children, want) {
		t.Errorf("child kinds in order = %v, want %v (node groups are planned before Fargate profiles)", children, want)
	}
	if _, err := kindOf("aws_something_new"); err == nil {
		t.Error("an unknown type has a kind")
	}
}

// The statuses the engine waits on come from the kinds that have one.
func TestStatusAndNamesThroughTheContract(t *testing.T) {
	for _, tc := range []struct {
		attrs        any
		status, name string
	}{
		{&ClusterAttrs{Name: "c", Status: "UPDATING"}, "UPDATING", "c"},
		{&NodeGroupAttrs{Name: "n-1", Status: "CREATING"}, "CREATING", "n-1"},
		{&FargateProfileAttrs{Name: "f", Status: "DELETING"}, "DELETING", "f"},
		{&RoleAttrs{Name: "r"}, "", "r"},
		{&OIDCProviderAttrs{URL: "https://x"}, "", ""},
		{&AddonAttrs{Name: "vpc-cni", Status: "UPDATING"}, "UPDATING", "vpc-cni"},
	} {
		if got := statusOf(tc.attrs); got != tc.status {
			t.Errorf("statusOf(%T) = %q, want %q", tc.attrs, got, tc.status)
		}
		if got := physicalNameOf(tc.attrs); got != tc.name {
			t.Errorf("physicalNameOf(%T) = %q, want %q", tc.attrs, got, tc.name)
		}
		if got, want := transitional(tc.attrs), tc.status != ""; got != want {
			t.Errorf("transitional(%T) = %v, want %v", tc.attrs, got, want)
		}
	}
}
