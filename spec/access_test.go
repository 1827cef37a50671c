package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// accessEntry wraps attribute and policy lines in an access_entry "e"
// block of a valid cluster: the lines start on line 4.
func accessEntry(lines string) string {
	return inCluster("  access_entry \"e\" {\n" + lines + "\n  }")
}

// principal is a valid principal_arn line.
const principal = `    principal_arn = "arn:aws:iam::111122223333:role/ci"`

func TestAccessRules(t *testing.T) {
	tests := map[string]struct {
		give string
		want []string
	}{
		// access
		"authentication modes": {
			give: inCluster("  access { authentication_mode = \"API_AND_CONFIG_MAP\" }"),
		},
		"unknown authentication mode": {
			give: inCluster("  access { authentication_mode = \"api\" }"),
			want: []string{"main.hcl:3,34: Invalid authentication mode"},
		},
		"two access blocks": {
			give: inCluster("  access {}\n  access {}"),
			want: []string{"main.hcl:4,3: Duplicate access block"},
		},
		"access entries in CONFIG_MAP mode": {
			give: inCluster("  access { authentication_mode = \"CONFIG_MAP\" }\n  access_entry \"e\" {\n" + principal + "\n  }"),
			want: []string{"main.hcl:3,34: Access entries need the API"},
		},
		"CONFIG_MAP mode without access entries": {
			give: inCluster("  access { authentication_mode = \"CONFIG_MAP\" }"),
		},
		"bootstrap flag not a bool": {
			give: inCluster("  access { bootstrap_cluster_creator_admin = \"maybe\" }"),
			want: []string{"main.hcl:3,46: Incorrect attribute value type"},
		},

		// access_entry
		"missing principal": {
			give: accessEntry(`    type = "STANDARD"`),
			want: []string{"main.hcl:3,20: Missing required argument"},
		},
		"user principal": {
			give: accessEntry(`    principal_arn = "arn:aws-us-gov:iam::111122223333:user/path/alice"`),
		},
		"principal not an IAM ARN": {
			give: accessEntry(`    principal_arn = "arn:aws:iam::111122223333:group/devs"`),
			want: []string{"main.hcl:4,21: Invalid principal ARN"},
		},
		"STS session as principal": {
			give: accessEntry(`    principal_arn = "arn:aws:sts::111122223333:assumed-role/ci/session"`),
			want: []string{"main.hcl:4,21: Session ARN as access entry principal"},
		},
		"invalid label": {
			give: inCluster("  access_entry \"c.i\" {\n" + principal + "\n  }"),
			want: []string{"main.hcl:3,16: Invalid access entry name"},
		},
		"unknown type": {
			give: accessEntry(principal + "\n    type = \"ec2_linux\""),
			want: []string{"main.hcl:5,12: Invalid access entry type"},
		},
		"unknown type is not compared with groups and policies": {
			give: accessEntry(principal + "\n    type = \"ec2_linux\"\n    kubernetes_groups = [\"a\"]\n    policy \"AmazonEKSViewPolicy\" {}"),
			want: []string{"main.hcl:5,12: Invalid access entry type"},
		},
		"every type": {
			give: inCluster(func() string {
				var b strings.Builder
				for i, typ := range AccessEntryTypes {
					b.WriteString("  access_entry \"e" + typ + "\" {\n    principal_arn = \"arn:aws:iam::111122223333:role/r" + string(rune('a'+i)) + "\"\n    type = \"" + typ + "\"\n  }\n")
				}
				return b.String()
			}()),
		},
		"node entry for a user": {
			give: accessEntry("    principal_arn = \"arn:aws:iam::111122223333:user/alice\"\n    type = \"FARGATE_LINUX\""),
			want: []string{"main.hcl:4,21: Node access entry for a user"},
		},
		"groups on a STANDARD entry": {
			give: accessEntry(principal + "\n    kubernetes_groups = [\"b\", \"a\"]"),
		},
		"groups on a non-STANDARD entry": {
			give: accessEntry(principal + "\n    type = \"HYBRID_LINUX\"\n    kubernetes_groups = [\"a\"]"),
			want: []string{"main.hcl:6,25: Kubernetes groups on a node access entry"},
		},
		"empty groups on a non-STANDARD entry": {
			give: accessEntry(principal + "\n    type = \"EC2_LINUX\"\n    kubernetes_groups = []"),
		},
		"empty group name": {
			give: accessEntry(principal + "\n    kubernetes_groups = [\"a\", \" \"]"),
			want: []string{"main.hcl:5,31: Empty Kubernetes group"},
		},
		"group twice": {
			give: accessEntry(principal + "\n    kubernetes_groups = [\"a\", \"a\"]"),
			want: []string{"main.hcl:5,31: Duplicate list element"},
		},
		"empty username": {
			give: accessEntry(principal + "\n    username = \"\""),
			want: []string{"main.hcl:5,16: Empty username"},
		},
		"entry tags checked": {
			give: accessEntry(principal + "\n    tags = { \"aws:x\" = \"y\" }"),
			want: []string{"main.hcl:5,14: Reserved tag key"},
		},
		"policy on an EC2_LINUX entry": {
			give: accessEntry(principal + "\n    type = \"EC2_LINUX\"\n    policy \"AmazonEKSViewPolicy\" {}"),
			want: []string{"main.hcl:6,5: Access policy on a node access entry"},
		},
		"policy on an EC2_WINDOWS entry": {
			give: accessEntry(principal + "\n    type = \"EC2_WINDOWS\"\n    policy \"AmazonEKSViewPolicy\" {}"),
			want: []string{"main.hcl:6,5: Access policy on a node access entry"},
		},
		"policy on an EC2 (Auto Mode) entry": {
			give: accessEntry(principal + "\n    type = \"EC2\"\n    policy \"AmazonEKSAutoNodePolicy\" {}"),
		},
		"duplicate label": {
			give: inCluster("  access_entry \"e\" {\n" + principal + "\n  }\n  access_entry \"e\" {\n    principal_arn = \"arn:aws:iam::111122223333:role/other\"\n  }"),
			want: []string{"main.hcl:6,16: Duplicate access entry"},
		},
		"two entries for one principal": {
			give: inCluster("  access_entry \"a\" {\n" + principal + "\n  }\n  access_entry \"b\" {\n" + principal + "\n  }"),
			want: []string{"main.hcl:7,21: Duplicate access entry principal"},
		},
		"one principal in two clusters": {
			give: accessEntry(principal) + strings.Replace(accessEntry(principal), `"demo"`, `"other"`, 1),
		},

		// policy
		"policy by ARN": {
			give: accessEntry(principal + "\n    policy \"arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy\" {}"),
		},
		"policy ARN of another partition": {
			give: accessEntry(principal + "\n    policy \"arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy\" {}"),
			want: []string{"main.hcl:5,12: Access policy of another partition"},
		},
		"IAM policy as access policy": {
			give: accessEntry(principal + "\n    policy \"arn:aws:iam::aws:policy/AdministratorAccess\" {}"),
			want: []string{"main.hcl:5,12: IAM policy as access policy"},
		},
		"invalid policy name": {
			give: accessEntry(principal + "\n    policy \"Amazon EKS View\" {}"),
			want: []string{"main.hcl:5,12: Invalid access policy"},
		},
		"same policy twice, once by ARN": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" {}\n    policy \"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy\" {}"),
			want: []string{"main.hcl:6,12: Duplicate access policy"},
		},
		"unknown scope": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" { scope = \"Namespace\" }"),
			want: []string{"main.hcl:5,44: Invalid access scope"},
		},
		"namespace scope without namespaces": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" { scope = \"namespace\" }"),
			want: []string{"main.hcl:5,44: No namespace for a namespace scope"},
		},
		"namespace scope with no namespaces": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" {\n      scope = \"namespace\"\n      namespaces = []\n    }"),
			want: []string{"main.hcl:7,20: No namespace for a namespace scope"},
		},
		"cluster scope with namespaces": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" {\n      scope = \"cluster\"\n      namespaces = [\"a\"]\n    }"),
			want: []string{"main.hcl:7,20: Namespaces with a cluster scope"},
		},
		"default scope with namespaces": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" { namespaces = [\"a\"] }"),
			want: []string{"main.hcl:5,49: Namespaces with a cluster scope"},
		},
		"cluster scope with an empty list": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" {\n      scope = \"cluster\"\n      namespaces = []\n    }"),
		},
		"namespace wildcards": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" {\n      scope = \"namespace\"\n      namespaces = [\"dev-*\", \"team*\", \"apps\"]\n    }"),
		},
		"invalid namespaces": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" {\n      scope = \"namespace\"\n      namespaces = [\"Apps\", \"*\", \"a*b\", \"" + strings.Repeat("a", 64) + "\"]\n    }"),
			want: []string{
				"main.hcl:7,21: Invalid namespace",
				"main.hcl:7,29: Invalid namespace",
				"main.hcl:7,34: Invalid namespace",
				"main.hcl:7,41: Invalid namespace",
			},
		},
		"namespace twice": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" {\n      scope = \"namespace\"\n      namespaces = [\"a\", \"a\"]\n    }"),
			want: []string{"main.hcl:7,26: Duplicate list element"},
		},
		"unknown policy attribute": {
			give: accessEntry(principal + "\n    policy \"AmazonEKSViewPolicy\" { namespace = \"a\" }"),
			want: []string{"main.hcl:5,36: Unsupported argument"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := load(t, tt.give, nil, nil)
			if diff := cmp.Diff(tt.want, brief(diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadAccess(t *testing.T) {
	cfg, diags := load(t, inCluster(`  access {
    authentication_mode             = "API"
    bootstrap_cluster_creator_admin = false
  }
  access_entry "ci" {
    principal_arn     = "arn:aws-cn:iam::111122223333:role/ci"
    kubernetes_groups = ["deployers", "admins"]
    username          = "ci"
    tags              = { team = "ci" }
    policy "AmazonEKSClusterAdminPolicy" {}
    policy "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy" {
      scope      = "namespace"
      namespaces = ["b", "dev-*", "a"]
    }
  }
  access_entry "nodes" {
    principal_arn = "arn:aws:iam::111122223333:role/nodes"
    type          = "EC2_LINUX"
  }`), nil, nil)
	if len(diags) > 0 {
		t.Fatal(brief(diags))
	}
	c := cfg.Clusters[0]
	f := false
	want := &Cluster{
		Access: &Access{AuthenticationMode: "API", BootstrapClusterCreatorAdmin: &f},
		AccessEntries: []*AccessEntry{{
			Name:             "ci",
			PrincipalARN:     "arn:aws-cn:iam::111122223333:role/ci",
			Type:             "STANDARD",
			KubernetesGroups: []string{"admins", "deployers"},
			Username:         "ci",
			Tags:             map[string]string{"team": "ci"},
			Policies: []*AccessPolicy{{
				// The name alone takes the principal's partition.
				Name:  "AmazonEKSClusterAdminPolicy",
				ARN:   "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
				Scope: "cluster",
			}, {
				Name:       "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
				ARN:        "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
				Scope:      "namespace",
				Namespaces: []string{"a", "b", "dev-*"},
			}},
		}, {
			Name:         "nodes",
			PrincipalARN: "arn:aws:iam::111122223333:role/nodes",
			Type:         "EC2_LINUX",
		}},
	}
	got := &Cluster{Access: c.Access, AccessEntries: c.AccessEntries}
	if diff := cmp.Diff(want, got, ignoreRanges); diff != "" {
		t.Errorf("model (-want +got):\n%s", diff)
	}
	if got := c.AccessEntries[0].Policies[1].AttrRange("namespaces").String(); got != "main.hcl:15,20-39" {
		t.Errorf("namespaces range %s, want main.hcl:15,20-39", got)
	}
	if got, want := c.Access.AttrRange("type"), c.Access.DeclRange; got != want {
		t.Errorf("range of an attribute not written: %s, want the block's, %s", got, want)
	}

	// Without an access block there is no Access: EKS's defaults apply.
	cfg, diags = load(t, inCluster(""), nil, nil)
	if len(diags) > 0 || cfg.Clusters[0].Access != nil {
		t.Errorf("no access block: Access = %+v, diagnostics %v; want nil and none", cfg.Clusters[0].Access, brief(diags))
	}
	// An access block with nothing in it leaves both to EKS.
	cfg, diags = load(t, inCluster("  access {}"), nil, nil)
	if a := cfg.Clusters[0].Access; len(diags) > 0 || a == nil || a.AuthenticationMode != "" || a.BootstrapClusterCreatorAdmin != nil {
		t.Errorf("empty access block: Access = %+v, diagnostics %v; want no mode and no flag", a, brief(diags))
	}
}

func TestSortedUnique(t *testing.T) {
	for _, tt := range []struct{ give, want []string }{
		{nil, nil},
		{[]string{}, nil},
		{[]string{"b", "a", "b", "dev-*", "a"}, []string{"a", "b", "dev-*"}},
	} {
		give := clone(tt.give)
		if got := sortedUnique(tt.give); !cmp.Equal(got, tt.want) {
			t.Errorf("sortedUnique(%q) = %q, want %q", tt.give, got, tt.want)
		}
		if !cmp.Equal(give, tt.give) {
			t.Errorf("sortedUnique changed its argument to %q", tt.give)
		}
	}
}
