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
	types := []Type{TypeCluster, TypeNodeGroup, TypeFargateProfile, TypeOIDCProvider, TypeRole}
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
		if (k.observe != nil) != (k.plan != nil) || (k.observe != nil) != (k.destroy != nil) || (k.observe != nil && k.noun == "") {
			t.Errorf("%s: a child kind needs observe, plan, destroy and noun together", typ)
		}
		a := k.newAttrs()
		if reflect.ValueOf(a).Kind() != reflect.Pointer {
			t.Errorf("%s: newAttrs returns %T, want a pointer", typ, a)
		}
		for path := range k.schema {
			if _, ok := jsonFields(a)[path]; !ok {
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
	for _, k := range kindList {
		if k.observe != nil {
			children = append(children, k.typ)
		}
	}
	if want := []Type{TypeNodeGroup, TypeFargateProfile}; !reflect.DeepEqual(children, want) {
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
