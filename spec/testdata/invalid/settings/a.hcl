# The configuration's name is a tag value on every resource.
settings {
  name = "team platform"
}

cluster "demo" {
  vpc { subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"] }
}
