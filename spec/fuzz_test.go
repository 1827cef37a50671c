package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// maxFuzzInput caps the inputs FuzzLoad loads. The mutator grows inputs
// to many kilobytes; those load slowly and take the minimizer long, while
// every construct of the language fits in far less. The largest seed,
// examples/full/main.hcl, is under it.
const maxFuzzInput = 8 << 10

// FuzzLoad feeds arbitrary file contents to the loader: no input may
// panic, and whatever comes back must be printable. The seed corpus is
// every example and every broken spec under testdata.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{
		filepath.Join("..", "examples", "*", "*.hcl"),
		filepath.Join("..", "examples", "*", "*.vars"),
		filepath.Join("testdata", "invalid", "*", "*.hcl"),
	} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			if len(b) > maxFuzzInput {
				f.Fatalf("seed %s has %d bytes, more than maxFuzzInput (%d): FuzzLoad would skip it; raise the cap", name, len(b), maxFuzzInput)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`variable "x" {}`))
	f.Add([]byte(`locals { a = local.a }`))
	f.Add([]byte("cluster \"\" {\n  vpc { subnet_ids = [for s in [1] : s] }\n}"))
	// Issue 10's blocks, valid, so that mutations start inside them.
	f.Add([]byte(`cluster "c" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
  access { authentication_mode = "API" }
  access_entry "a" {
    principal_arn = "arn:aws:iam::111122223333:role/a"
    policy "AmazonEKSViewPolicy" {
      scope      = "namespace"
      namespaces = ["x-*"]
    }
  }
  addon "vpc-cni" {
    version = "latest"
    pod_identity "aws-node" { policy_arns = ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"] }
  }
  pod_identity "p" {
    namespace       = "apps"
    service_account = "p"
  }
}`))

	// Issue 11's blocks, valid, likewise.
	f.Add([]byte(`cluster "c" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
  node_group "n" {
    launch_template {
      ami_id             = "ami-00000001"
      security_group_ids = ["sg-00000001"]
      metadata_hop_limit = 1
      root_volume {
        type = "io2"
        iops = 4000
      }
    }
    scaling {
      min_size = 1
      max_size = 2
    }
  }
  self_managed_node_group "g" {
    instance_types = ["g5.xlarge"]
    ami_family     = "AL2023_x86_64_NVIDIA"
    ami_release    = "latest"
    taint {
      key    = "nvidia.com/gpu"
      effect = "NO_SCHEDULE"
    }
    scaling {
      min_size = 0
      max_size = 4
    }
    update { max_unavailable_percentage = 25 }
    launch_template { root_volume { throughput = 250 } }
  }
}`))

	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > maxFuzzInput {
			return
		}
		cfg, diags := loadSources([]source{{name: "fuzz.hcl", src: src}},
			nil, []string{"EKSCTL_LITE_VAR_x=1", "EKSCTL_LITE_VAR_region=us-east-1"})
		if cfg == nil {
			t.Fatal("Load returned a nil Config")
		}
		var buf bytesBuffer
		if err := WriteDiagnostics(&buf, cfg.Files, diags, false); err != nil {
			t.Fatalf("WriteDiagnostics: %v", err)
		}
		_ = DiagnosticsJSON(diags)
		if !diags.HasErrors() && len(cfg.Clusters) == 0 {
			t.Fatal("no errors and no clusters: the empty configuration must be an error")
		}
	})
}
