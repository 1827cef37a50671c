variable "env" {
  default = "dev"
}

locals {
  team = "platform"
}

cluster "demo" {
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  node_group "general" {
    scaling {
      min_size = 1
      max_size = 2
    }
    taint {
      key    = "dedicated"
      effect = "NO_SCHEDULE"
    }
    taint {
      key    = "dedicated"
      value  = "other"
      effect = "NO_SCHEDULE"
    }
  }

  node_group "general" {
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  fargate_profile "jobs" {
    selector { namespace = "jobs" }
  }

  fargate_profile "jobs" {
    selector { namespace = "batch" }
  }

  irsa "reader" {
    namespace       = "apps"
    service_account = "reader"
  }

  irsa "reader2" {
    namespace       = "apps"
    service_account = "reader"
  }
}
