# Two clusters, blue and green, that differ only in their inputs: a
# blue/green upgrade moves workloads from one to the other. Cluster block
# labels are fixed names; everything else comes from variables.

locals {
  tags = {
    env        = var.env
    managed-by = "eksctl-lite"
  }
}

cluster "blue" {
  region  = var.region
  version = var.clusters["blue"].version
  tags    = merge(local.tags, { color = "blue" })

  vpc {
    subnet_ids = var.clusters["blue"].subnet_ids
  }

  node_group "general" {
    instance_types = var.instance_types
    labels         = { env = var.env }

    scaling {
      min_size = var.clusters["blue"].min_nodes
      max_size = var.clusters["blue"].max_nodes
    }
  }
}

cluster "green" {
  region  = var.region
  version = var.clusters["green"].version
  tags    = merge(local.tags, { color = "green" })

  vpc {
    subnet_ids = var.clusters["green"].subnet_ids
  }

  node_group "general" {
    instance_types = var.instance_types
    labels         = { env = var.env }

    scaling {
      min_size = var.clusters["green"].min_nodes
      max_size = var.clusters["green"].max_nodes
    }
  }
}
