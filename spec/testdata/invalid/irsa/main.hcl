cluster "demo" {
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  irsa "s3-reader" {
    namespace       = "Apps"
    service_account = "s3_reader"
    policy_arns     = ["AmazonS3ReadOnlyAccess"]
    inline_policy   = jsonencode(["s3:GetObject"])
  }

  irsa "writer" {
    namespace       = "apps"
    service_account = "writer"
    role_name       = "demo/writer"
    inline_policy   = "{ Version: 2012-10-17 }"
  }

  irsa "writer-too" {
    namespace       = "apps"
    service_account = "writer"
    role_name       = "a-role-name-that-is-far-too-long-for-iam-which-allows-sixty-four-characters"
  }

  irsa "nodes" {
    namespace       = "apps"
    service_account = "nodes"
    role_name       = "eksctl-lite-demo-us-east-1-node"
  }
}
