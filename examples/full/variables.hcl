# Inputs of the full example. Every variable has a default, so
# `eksctl-lite validate examples/full` works as is; override any of them with
# --var, --var-file or EKSCTL_LITE_VAR_<name>.

variable "configuration_name" {
  type        = string
  default     = null
  description = "Name of the configuration, tagged on every resource; null names it after its directory."
}

variable "region" {
  type        = string
  default     = "us-east-1"
  description = "AWS region of the cluster."
}

variable "kubernetes_version" {
  type    = string
  default = "1.34"
}

variable "node_release_version" {
  type        = string
  default     = null
  description = "EKS AMI release of the general node group, such as \"1.34.1-20251120\": it must be a release of kubernetes_version. null lets EKS choose the latest."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets, in at least two availability zones."
  default = [
    "subnet-0a1b2c3d4e5f60001",
    "subnet-0a1b2c3d4e5f60002",
    "subnet-0a1b2c3d4e5f60003",
  ]
}

variable "admin_cidrs" {
  type    = list(string)
  default = ["203.0.113.0/24", "198.51.100.0/24"]
}

variable "batch_max_nodes" {
  type    = number
  default = 10
}

variable "extra_tags" {
  type    = map(string)
  default = {}
}

variable "reports_bucket" {
  type    = string
  default = "example-reports"
}
