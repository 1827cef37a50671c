# café latin-1 comment
locals {
  a = "ÿþ"
}
