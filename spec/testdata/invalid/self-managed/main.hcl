# Self-managed node groups, each wrong in one way or two.
cluster "demo" {
  version = "1.33"
  vpc { subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"] }

  node_group "general" {
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  self_managed_node_group "general" {
    instance_types = ["m6i.large"]
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  self_managed_node_group "gpu" {
    instance_types = ["g5.xlarge", "m6i.large", "m7g.large"]
    ami_family     = "AL2023_x86_64_NVIDIA"
    ami_id         = "ami-0a1b2c3d4e5f60001"
    ami_release    = "latest"
    version        = "1.34"
    launch_template {
      ami_id = "ami-0a1b2c3d4e5f60002"
    }
    scaling {
      min_size = 0
      max_size = 4
    }
  }

  self_managed_node_group "standard" {
    instance_types = ["p5.48xlarge", "inf2.xlarge"]
    ami_family     = "AL2023_x86_64_STANDARD"
  }

  self_managed_node_group "arm" {
    instance_types = ["c7g.large"]
    ami_family     = "AL2023_ARM_64_STANDARD"
    capacity_type  = "Spot"
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  self_managed_node_group "arm" {
    instance_types = ["c7g.large"]
    scaling {
      min_size = 1
      max_size = 2
    }
  }
}
