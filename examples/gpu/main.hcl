# A cluster for GPU workloads: general-purpose nodes in a managed node
# group that runs from a launch template, and GPU nodes in a self-managed
# node group on the EKS-optimized NVIDIA AMI. See docs/spec.md for what
# each block and attribute means and its default.

variable "node_security_group_id" {
  type        = string
  default     = "sg-0a1b2c3d4e5f60003"
  description = "A security group of yours for the general nodes, added to the cluster security group (e.g. one a database admits)."
}

cluster "gpu" {
  region  = "us-east-1"
  version = "1.35"
  tags    = { team = "ml" }

  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  # Self-managed nodes join the cluster through an EC2_LINUX access entry
  # for their node role, which eksctl-lite creates: that needs the API
  # authentication mode (with CONFIG_MAP they would need aws-auth).
  access {
    authentication_mode = "API"
  }

  # A managed node group with a launch template of eksctl-lite's: IMDSv2
  # only, pods one hop away may still reach instance metadata, a larger
  # encrypted gp3 root volume, and one more security group. EKS refuses
  # disk_size with a launch template: the size is root_volume's.
  node_group "general" {
    instance_types = ["m6i.large", "m6a.large"]
    labels         = { role = "general" }

    scaling {
      min_size = 2
      max_size = 6
    }

    launch_template {
      security_group_ids   = [var.node_security_group_id]
      metadata_http_tokens = "required"
      metadata_hop_limit   = 2
      tags                 = { role = "general" }

      root_volume {
        size       = 50
        type       = "gp3"
        iops       = 3000
        throughput = 125
        encrypted  = true
      }
    }
  }

  # GPU nodes: an Auto Scaling group of g5.xlarge on the NVIDIA AMI that
  # EKS recommends for the cluster's version, pinned to the AMI of creation
  # (ami_release = "latest" would roll to each newer one). The taint keeps
  # pods that do not ask for a GPU off them; it scales from zero.
  self_managed_node_group "gpu" {
    instance_types = ["g5.xlarge"]
    ami_family     = "AL2023_x86_64_NVIDIA"
    labels         = { "nvidia.com/gpu.present" = "true" }

    taint {
      key    = "nvidia.com/gpu"
      effect = "NO_SCHEDULE"
    }

    scaling {
      min_size     = 0
      max_size     = 4
      desired_size = 1
    }

    # An instance refresh replaces at most a quarter of the nodes at once.
    update {
      max_unavailable_percentage = 25
    }

    # Room for model weights and container images.
    launch_template {
      root_volume {
        size = 200
      }
    }
  }
}
