cluster "demo" {
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  fargate_profile "none" {
  }

  fargate_profile "many" {
    pod_execution_role_arn = "fargate-role"

    selector { namespace = "a" }
    selector { namespace = "b" }
    selector { namespace = "c" }
    selector { namespace = "d" }
    selector { namespace = "e" }
    selector { namespace = "f" }
  }

  fargate_profile "labels" {
    subnet_ids = []

    selector {
      namespace = "Apps"
      labels    = { a = "1", b = "2", c = "3", d = "4", e = "5", f = "6" }
    }
  }
}
