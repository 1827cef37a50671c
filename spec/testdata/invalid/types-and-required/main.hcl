cluster "demo" {
  tags = "team=platform"

  vpc {
    subnet_ids             = "subnet-0a1b2c3d4e5f60001"
    endpoint_public_access = "yes please"
  }

  node_group "general" {
    disk_size = "big"
    scaling {
      min_size = 1
    }
  }

  fargate_profile "jobs" {
    selector {
      labels = { team = "jobs" }
    }
  }

  irsa "reader" {
    namespace = "apps"
  }
}

cluster "novpc" {
}
