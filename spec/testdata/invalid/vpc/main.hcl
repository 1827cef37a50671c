cluster "demo" {
  logging {
    types = ["api", "Audit", "scheduler"]
  }

  encryption {
    kms_key_arn = "alias/eks"
  }

  vpc {
    subnet_ids              = ["subnet-0a1b2c3d4e5f60001"]
    security_group_ids      = ["sg-0a1b2c3d4e5f60001", "default"]
    endpoint_public_access  = false
    endpoint_private_access = false
    public_access_cidrs     = ["203.0.113.0/24", "203.0.113.0/33", "10.0.0.1"]
  }
}
