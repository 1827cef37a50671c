variable "env" {
  default = "prod"
}

locals {
  team = "apps"
}

cluster "demo" {
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"]
  }
}

cluster "other" {
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"]
  }

  irsa "r" {
    namespace       = "apps"
    service_account = "reader"
    role_name       = "demo-reader"
  }
}
