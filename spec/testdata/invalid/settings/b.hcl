# A second settings block, in another file.
settings {
  name = "other"
}
