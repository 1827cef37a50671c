package spec

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// nullTemplate is a valid configuration with a placeholder line @KEY@ for
// every optional attribute, at every depth. KEY is the attribute's name,
// prefixed by its block where the name is used in several blocks.
const nullTemplate = `variable "n" {
  default = null
}
variable "s" {
  type    = string
  default = null
}
cluster "demo" {
  @region@
  @cluster.version@
  @role_arn@
  @cluster.tags@
  vpc {
    subnet_ids = ["subnet-00000001", "subnet-00000002"]
    @security_group_ids@
    @endpoint_public_access@
    @endpoint_private_access@
    @public_access_cidrs@
  }
  node_group "ng" {
    @instance_types@
    @ami_type@
    @capacity_type@
    @disk_size@
    @ng.subnet_ids@
    @node_role_arn@
    @ng.version@
    @release_version@
    @ng.labels@
    @ng.tags@
    scaling {
      min_size = 1
      max_size = 3
      @desired_size@
    }
    update {
      @max_unavailable@
      @max_unavailable_percentage@
    }
    taint {
      key    = "dedicated"
      effect = "NO_SCHEDULE"
      @value@
    }
  }
  self_managed_node_group "smng" {
    instance_types = ["m6i.large"]
    @ami_family@
    @ami_id@
    @ami_release@
    @smng.version@
    @smng.subnet_ids@
    @smng.node_role_arn@
    @smng.capacity_type@
    @smng.labels@
    @smng.tags@
    scaling {
      min_size = 0
      max_size = 3
      @smng.desired_size@
    }
    launch_template {
      @lt.security_group_ids@
      @metadata_http_tokens@
      @metadata_hop_limit@
      @user_data@
      @lt.tags@
      root_volume {
        @size@
        @volume.type@
        @iops@
        @throughput@
        @encrypted@
      }
    }
  }
  node_group "custom" {
    @custom.ami_type@
    @custom.release_version@
    launch_template {
      ami_id = "ami-0a1b2c3d"
    }
    scaling {
      min_size = 1
      max_size = 3
    }
  }
  fargate_profile "fp" {
    @fp.subnet_ids@
    @pod_execution_role_arn@
    @fp.tags@
    selector {
      namespace = "jobs"
      @selector.labels@
    }
  }
  irsa "r" {
    namespace       = "apps"
    service_account = "r"
    @role_name@
    @policy_arns@
    @inline_policy@
    @irsa.tags@
  }
  access {
    @authentication_mode@
    @bootstrap_cluster_creator_admin@
  }
  access_entry "ci" {
    principal_arn = "arn:aws:iam::111122223333:role/ci"
    @type@
    @kubernetes_groups@
    @username@
    @entry.tags@
    policy "AmazonEKSViewPolicy" {
      @scope@
      @namespaces@
    }
  }
  addon "vpc-cni" {
    @addon.version@
    @configuration_values@
    @resolve_conflicts@
    @service_account_role_arn@
    @preserve_on_delete@
    @addon.tags@
    pod_identity "aws-node" {
      policy_arns = ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]
      @addon_pi.role_arn@
      @addon_pi.role_name@
    }
  }
  pod_identity "p" {
    namespace       = "apps"
    service_account = "p"
    @pi.role_arn@
    @pi.role_name@
    @pi.policy_arns@
    @pi.inline_policy@
    @target_role_arn@
    @disable_session_tags@
    @pi.tags@
  }
}
`

var placeholderRE = regexp.MustCompile(`@([a-z_.]+)@`)

// TestNullMeansUnset checks that an attribute whose value is null, written
// as null or coming from a variable whose default is null, loads exactly
// as if it were not written: no diagnostic, the same defaults, and no
// source range recorded for it.
func TestNullMeansUnset(t *testing.T) {
	keys := placeholderRE.FindAllStringSubmatch(nullTemplate, -1)
	if len(keys) < 30 {
		t.Fatalf("only %d placeholders in the template", len(keys))
	}
	for _, k := range keys {
		key := k[1]
		attr := key[strings.LastIndex(key, ".")+1:]
		for _, value := range []string{"null", "var.n", "var.s", `true ? null : "x"`} {
			if value == "var.s" && !strings.Contains("region version role_arn ami_type ami_family ami_id ami_release metadata_http_tokens user_data capacity_type node_role_arn release_version pod_execution_role_arn role_name inline_policy authentication_mode type username scope configuration_values resolve_conflicts service_account_role_arn target_role_arn", attr) {
				continue // a string variable fits only string attributes
			}
			line := attr + " = " + value
			t.Run(key+"="+value, func(t *testing.T) {
				fill := func(withNull bool) string {
					return placeholderRE.ReplaceAllStringFunc(nullTemplate, func(m string) string {
						if m != "@"+key+"@" {
							return ""
						}
						if withNull {
							return line
						}
						// Spaces keep every later position the same.
						return strings.Repeat(" ", len(line))
					})
				}
				want, diags := load(t, fill(false), nil, nil)
				if len(diags) > 0 {
					t.Fatalf("the template without %s is not valid: %v", key, brief(diags))
				}
				got, diags := load(t, fill(true), nil, nil)
				if len(diags) > 0 {
					t.Errorf("%s: diagnostics %v, want none", line, brief(diags))
				}
				if diff := cmp.Diff(want.Clusters, got.Clusters); diff != "" {
					t.Errorf("%s loads differently from leaving it out (-omitted +null):\n%s", line, diff)
				}
			})
		}
	}
}
