# Inputs of the multi-cluster example. All have defaults; example.vars shows
# how to override them from a file:
#
#   eksctl-lite validate examples/multi-cluster --var-file examples/multi-cluster/example.vars

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "env" {
  type        = string
  default     = "dev"
  description = "Environment name, used in cluster names and tags."
}

variable "clusters" {
  type = map(object({
    version    = string
    subnet_ids = list(string)
    min_nodes  = number
    max_nodes  = number
  }))
  description = "Per cluster: Kubernetes version, subnets and node group size."
  default = {
    blue = {
      version    = "1.34"
      subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
      min_nodes  = 1
      max_nodes  = 3
    }
    green = {
      version    = "1.35"
      subnet_ids = ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"]
      min_nodes  = 1
      max_nodes  = 3
    }
  }
}

variable "instance_types" {
  type    = list(string)
  default = ["t3.medium"]
}
