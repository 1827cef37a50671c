# The smallest useful configuration: one EKS cluster with one managed node
# group. Everything not written here takes its default (see docs/spec.md):
# EKS's default Kubernetes version, a public endpoint, t3.medium nodes on
# AL2023, and IAM roles for the cluster and the nodes that eksctl-lite
# creates and manages.
#
#   eksctl-lite validate examples/minimal
#   eksctl-lite plan examples/minimal

cluster "minimal" {
  region = "us-east-1"

  vpc {
    # Replace with two or more subnets of your VPC, in different
    # availability zones.
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  node_group "general" {
    scaling {
      min_size = 1
      max_size = 3
    }
  }
}
