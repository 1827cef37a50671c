# An attribute set to null counts as not written: optional ones take their
# default, required ones are missing.
variable "subnets" {
  type    = list(string)
  default = null
}

variable "role_arn" {
  type    = string
  default = null
}

cluster "demo" {
  role_arn = var.role_arn

  vpc {
    subnet_ids          = var.subnets
    public_access_cidrs = null
  }

  logging { types = null }
  encryption { kms_key_arn = null }

  node_group "general" {
    instance_types = null
    scaling {
      min_size = 1
      max_size = null
    }
    taint {
      key    = null
      effect = "NO_SCHEDULE"
    }
  }

  irsa "reader" {
    namespace       = "apps"
    service_account = null
    inline_policy   = null
  }
}
