variable "region" {
  default = "us-east-1"
}

locals {
  env = "dev"
}
