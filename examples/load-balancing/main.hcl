# Load balancing and clusters outside AWS (docs/spec.md: auto_mode,
# load_balancer_controller, connected_cluster).
#
#   "web" runs EKS Auto Mode: EKS launches nodes for pending pods and runs
#   the load balancing and block storage controllers itself.
#   "api" runs managed nodes and the AWS Load Balancer Controller, which
#   you install with the helm command plan and apply print; eksctl-lite
#   gives it its IAM role and tags the subnets it needs.
#   "factory" is an EKS Anywhere cluster in your own data centre, registered
#   with EKS Connector so it shows in the EKS console.
#
#   eksctl-lite validate examples/load-balancing
#   eksctl-lite plan examples/load-balancing

cluster "web" {
  region = "us-east-1"

  vpc {
    # Replace with two or more subnets of your VPC: public ones tagged
    # kubernetes.io/role/elb = 1, private ones kubernetes.io/role/internal-elb
    # = 1 (the plan warns about each that is not).
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  auto_mode {
    enabled    = true
    node_pools = ["general-purpose", "system"]
  }
}

cluster "api" {
  region = "us-east-1"

  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"]
  }

  node_group "general" {
    scaling {
      min_size = 2
      max_size = 6
    }
  }

  addon "eks-pod-identity-agent" {}

  load_balancer_controller {
    identity    = "pod_identity"
    tag_subnets = true
  }
}

connected_cluster "factory" {
  region   = "us-east-1"
  provider = "EKS_ANYWHERE"
  tags     = { site = "factory-1" }
}
