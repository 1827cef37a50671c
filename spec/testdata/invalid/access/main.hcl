cluster "demo" {
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  access {
    authentication_mode = "CONFIG_MAP"
  }

  access_entry "ci" {
    principal_arn     = "arn:aws:sts::111122223333:assumed-role/ci-deployer/build-42"
    kubernetes_groups = ["deployers"]

    policy "AmazonEKSClusterAdminPolicy" {
      namespaces = ["apps"]
    }

    policy "arn:aws:iam::aws:policy/AdministratorAccess" {}
  }

  access_entry "nodes" {
    principal_arn     = "arn:aws:iam::111122223333:role/self-managed-nodes"
    type              = "EC2_LINUX"
    kubernetes_groups = ["system:nodes"]

    policy "AmazonEKSViewPolicy" {}
  }

  access_entry "team" {
    principal_arn = "arn:aws:iam::111122223333:role/self-managed-nodes"

    policy "AmazonEKSEditPolicy" {
      scope      = "namespace"
      namespaces = ["Team-A", "team-*"]
    }

    policy "AmazonEKSAdminPolicy" {
      scope = "namespace"
    }

    policy "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy" {
      scope      = "namespace"
      namespaces = ["team-b"]
    }
  }
}
