cluster "other" {
  version = 
}
