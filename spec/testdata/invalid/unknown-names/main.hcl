cluster "demo" {
  regoin = "us-east-1"

  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  nodegroup "general" {
  }

  node_group "general" {
    instance_type = "m6i.large"
    scaling = { min_size = 1, max_size = 2 }
  }
}

clusters "typo" {}
