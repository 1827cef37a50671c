# Every block and attribute of the spec language, with variables, locals and
# functions. See docs/spec.md for what each one means and its default.

locals {
  env = "staging"
  tags = merge(
    { team = "platform", env = local.env },
    var.extra_tags,
  )
  # Node groups run one minor version behind the control plane only while
  # an upgrade is in progress; here they follow it.
  node_version = var.kubernetes_version

  reports_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = format("arn:aws:s3:::%s/*", var.reports_bucket)
    }]
  }
}

cluster "full" {
  region   = var.region
  version  = var.kubernetes_version
  role_arn = "arn:aws:iam::123456789012:role/full-cluster"
  tags     = local.tags

  vpc {
    subnet_ids              = var.subnet_ids
    security_group_ids      = ["sg-0a1b2c3d4e5f60001"]
    endpoint_public_access  = true
    endpoint_private_access = true
    public_access_cidrs     = var.admin_cidrs
  }

  logging {
    types = ["api", "audit", "authenticator"]
  }

  # Who reaches the Kubernetes API is decided by EKS access entries only
  # (no aws-auth ConfigMap). The mode only ever moves forward.
  access {
    authentication_mode             = "API"
    bootstrap_cluster_creator_admin = true
  }

  # The CI role deploys to two namespaces and reads the whole cluster.
  # The label names the block only; the principal is the entry in EKS.
  access_entry "ci" {
    principal_arn     = "arn:aws:iam::123456789012:role/ci-deployer"
    kubernetes_groups = ["deployers"]
    tags              = { purpose = "ci" }

    policy "AmazonEKSViewPolicy" {}
    policy "AmazonEKSEditPolicy" {
      scope      = "namespace"
      namespaces = ["apps", "team-*"]
    }
  }

  encryption {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  # An AMI release is built for one Kubernetes version: release_version is
  # null (the latest, EKS's choice) unless --var node_release_version pins a
  # release of kubernetes_version.
  #
  # Managed node group with every attribute set.
  node_group "general" {
    instance_types  = ["m6i.large", "m6a.large"]
    ami_type        = "AL2023_x86_64_STANDARD"
    capacity_type   = "ON_DEMAND"
    disk_size       = 50
    subnet_ids      = slice(var.subnet_ids, 0, 2)
    node_role_arn   = "arn:aws:iam::123456789012:role/full-nodes"
    version         = local.node_version
    release_version = var.node_release_version
    labels          = { role = "general" }
    tags            = merge(local.tags, { "node-group" = "general" })

    scaling {
      min_size     = 2
      max_size     = 6
      desired_size = 3
    }

    update {
      max_unavailable = 1
    }
  }

  # Spot nodes for batch jobs, tainted so only tolerating pods land there,
  # with a node role that eksctl-lite manages.
  node_group "batch" {
    instance_types = ["c6i.xlarge", "c6a.xlarge", "c5.xlarge"]
    ami_type       = "AL2023_x86_64_STANDARD"
    capacity_type  = "SPOT"
    labels         = { role = "batch", "example.com/queue" = "default" }

    scaling {
      min_size = 0
      max_size = var.batch_max_nodes
    }

    update {
      max_unavailable_percentage = 25
    }

    taint {
      key    = "dedicated"
      value  = "batch"
      effect = "NO_SCHEDULE"
    }

    taint {
      key    = "spot"
      effect = "PREFER_NO_SCHEDULE"
    }
  }

  # Pods of kube-system's CoreDNS and of the "serverless" namespace run on
  # Fargate, with a pod execution role that eksctl-lite manages.
  fargate_profile "serverless" {
    subnet_ids = slice(var.subnet_ids, 1, 3)
    tags       = local.tags

    selector {
      namespace = "serverless"
    }

    selector {
      namespace = "kube-system"
      labels    = { "k8s-app" = "kube-dns" }
    }
  }

  fargate_profile "jobs" {
    pod_execution_role_arn = "arn:aws:iam::123456789012:role/full-fargate-pods"

    selector {
      namespace = "jobs-*"
    }
  }

  # An IAM role for the service account apps/reports, with a managed policy
  # and an inline policy built with jsonencode.
  irsa "reports" {
    namespace       = "apps"
    service_account = "reports"
    policy_arns     = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    inline_policy   = jsonencode(local.reports_policy)
    tags            = local.tags
  }

  irsa "dns" {
    namespace       = "kube-system"
    service_account = "external-dns"
    role_name       = "full-external-dns"
    policy_arns     = ["arn:aws:iam::aws:policy/AmazonRoute53FullAccess"]
  }

  # EKS Pod Identity for the service account apps/uploads: a managed role
  # trusted by pods.eks.amazonaws.com, with session tags.
  pod_identity "uploads" {
    namespace            = "apps"
    service_account      = "uploads"
    policy_arns          = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    inline_policy        = jsonencode(local.reports_policy)
    disable_session_tags = false
    tags                 = local.tags
  }

  # EKS add-ons. The Pod Identity agent hands the associations' credentials
  # to pods, at EKS's default version for the cluster's Kubernetes version.
  addon "eks-pod-identity-agent" {}

  # The VPC CNI at the newest version for the cluster's Kubernetes version,
  # configured (checked at plan against the add-on's schema), its service
  # account aws-node given a managed role through EKS Pod Identity.
  addon "vpc-cni" {
    version              = "latest"
    configuration_values = jsonencode({ env = { ENABLE_PREFIX_DELEGATION = "true" } })
    resolve_conflicts    = "PRESERVE" # sent as NONE when the add-on is created
    preserve_on_delete   = false
    tags                 = local.tags

    pod_identity "aws-node" {
      policy_arns = ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]
    }
  }
}
