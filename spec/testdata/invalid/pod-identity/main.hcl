cluster "demo" {
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  irsa "s3-reader" {
    namespace       = "apps"
    service_account = "s3-reader"
  }

  pod_identity "s3-reader-pi" {
    namespace       = "apps"
    service_account = "s3-reader"
    role_arn        = "arn:aws:iam::111122223333:role/s3-reader"
    policy_arns     = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
  }

  pod_identity "cni" {
    namespace       = "kube-system"
    service_account = "aws-node"
    role_name       = "demo-s3-reader"
    inline_policy   = jsonencode(["ec2:*"])
    target_role_arn = "arn:aws:iam::444455556666:user/target"
  }

  addon "vpc-cni" {
    pod_identity "aws-node" {
      policy_arns = ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]
    }
  }

  pod_identity "writer" {
    namespace       = "apps-*"
    service_account = "writer"
  }
}
