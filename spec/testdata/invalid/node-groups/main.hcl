cluster "demo" {
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  node_group "enums" {
    ami_type       = "AL2023_X86_64_STANDARD"
    capacity_type  = "Spot"
    instance_types = ["m6i.large", "m6i.large", "m6i"]
    disk_size      = 0
    node_role_arn  = "arn:aws:iam::123456789012:user/nodes"
    labels         = { "-role" = "general" }

    scaling {
      min_size = 1
      max_size = 2
    }

    taint {
      key    = "dedicated"
      effect = "NoSchedule"
    }
  }

  node_group "sizes" {
    scaling {
      min_size     = 2
      max_size     = 4
      desired_size = 5
    }

    update {
      max_unavailable            = 1
      max_unavailable_percentage = 150
    }
  }

  node_group "backwards" {
    scaling {
      min_size = 3
      max_size = 1
    }
  }

  node_group "custom" {
    ami_type = "CUSTOM"
    scaling {
      min_size = 0
      max_size = 0
    }
  }

  node_group "everything-wrong" {
    scaling {
      min_size     = -1
      max_size     = 5
      desired_size = 6
    }
  }

  node_group "twice" {
    scaling {
      min_size = 1
      max_size = 2
    }
    scaling {
      min_size = 1
      max_size = 3
    }
  }
}
