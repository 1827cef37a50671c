# Options of the whole configuration. name is its identity: eksctl-lite tags
# every resource it creates with it, to find them again. At most one
# settings block, in any file. Here the name comes from a variable that is
# null by default, which names the configuration after its directory
# ("full"); a fixed name such as name = "platform" keeps the identity when
# the directory is renamed or copied.
settings {
  name = var.configuration_name
}
