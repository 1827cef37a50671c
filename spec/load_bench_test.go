package spec

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkLoadLocals loads a configuration with n locals, each computed
// from the one before it, and n variables, plus a cluster that uses the
// last of each. Loading must stay linear in n: compare ns/op across the
// sub-benchmarks (go test -run '^$' -bench LoadLocals ./spec).
func BenchmarkLoadLocals(b *testing.B) {
	for _, n := range []int{1000, 10000, 50000} {
		src := benchLocalsSource(n)
		b.Run(fmt.Sprintf("locals=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				_, diags := loadSources([]source{{name: "main.hcl", src: src}}, nil, nil)
				if diags.HasErrors() {
					b.Fatal(brief(diags))
				}
			}
		})
	}
}

// benchLocalsSource writes n variables, n chained locals and one cluster.
func benchLocalsSource(n int) []byte {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "variable \"v%d\" {\n  default = \"x%d\"\n}\n", i, i)
	}
	sb.WriteString("locals {\n  l0 = var.v0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&sb, "  l%d = local.l%d\n", i, i-1)
	}
	sb.WriteString("}\n")
	fmt.Fprintf(&sb, `cluster "bench" {
  tags = { last = local.l%d, var = var.v%d }
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }
}
`, n-1, n-1)
	return []byte(sb.String())
}
