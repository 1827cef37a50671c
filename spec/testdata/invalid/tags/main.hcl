cluster "demo" {
  tags = {
    "aws:team"            = "platform"
    "eksctl-lite/cluster" = "demo"
    "cost;center"         = "42"
    owner                 = "team <platform>"
  }

  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  node_group "general" {
    tags = { "AWS:created-by" = "me" }
    scaling {
      min_size = 1
      max_size = 2
    }
  }
}
