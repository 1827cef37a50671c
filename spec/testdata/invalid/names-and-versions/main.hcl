cluster "my.cluster" {
  version = "1.9"

  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }
}

cluster "demo" {
  region  = "us-east"
  version = "1.31"

  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  node_group "general purpose" {
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  node_group "ahead" {
    version = "1.32"
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  node_group "float" {
    version = 1.30
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  node_group "patch" {
    version = "1.31.4"
    scaling {
      min_size = 1
      max_size = 2
    }
  }
}
