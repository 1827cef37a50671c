# Launch templates of managed node groups, each wrong in one way.
cluster "demo" {
  vpc { subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"] }

  node_group "custom" {
    ami_type        = "AL2023_x86_64_STANDARD"
    release_version = "1.35.0-20260115"
    disk_size       = 50
    launch_template {
      ami_id = "ami-0a1b2c3d4e5f60001"
    }
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  node_group "no-ami" {
    ami_type = "CUSTOM"
    launch_template {
      ami_id               = "al2023-ami"
      security_group_ids   = ["sg-1"]
      metadata_http_tokens = "v2"
      metadata_hop_limit   = 0
      root_volume {
        size       = 0
        type       = "st1"
        throughput = 3000
      }
    }
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  node_group "volumes" {
    launch_template {
      root_volume {
        type = "io2"
      }
    }
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  node_group "throughput" {
    launch_template {
      root_volume {
        size       = 20
        iops       = 12000
        throughput = 1000
      }
    }
    scaling {
      min_size = 1
      max_size = 2
    }
  }
}
