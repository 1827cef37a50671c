cluster "demo" {
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  addon "vpc-cni" {
    version                  = "1.19.2-eksbuild.1"
    configuration_values     = "env: { ENABLE_PREFIX_DELEGATION: true }"
    resolve_conflicts        = "overwrite"
    service_account_role_arn = "arn:aws:iam::111122223333:role/cni-irsa"

    pod_identity "aws-node" {
      role_arn    = "arn:aws:iam::111122223333:role/cni"
      policy_arns = ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]
    }
  }

  addon "aws-ebs-csi-driver" {
    version = "Latest"

    pod_identity "ebs-csi-controller-sa" {}

    pod_identity "ebs-csi-node-sa" {
      policy_arns = []
      role_name   = "eksctl-lite-ebs"
    }
  }

  addon "vpc-cni" {}
}
