variable "subnet_ids" {
  type        = list(string)
  description = "Required: no default."
}

variable "size" {
  type    = number
  default = "large"
}

variable "region" {
  type    = strng
  default = "us-east-1"
}

locals {
  a      = local.b
  b      = local.a
  prefix = "${var.enviroment}-"
  name   = "${local.prefx}demo"
}

cluster "demo" {
  region = var.region
  tags   = { env = local.a }

  vpc {
    subnet_ids = var.subnet_ids
  }

  node_group "general" {
    scaling {
      min_size = var.size
      max_size = 3
    }
  }
}
