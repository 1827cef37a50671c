package provision

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testCA is a certificate authority as DescribeCluster gives it: base64
// of a PEM block (the certificate inside is not a real one).
var testCA = base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\n" +
	"MIIDBTCCAe2gAwIBAgIIa9rPD7t4Ib0wDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n" +
	"AxMKa3ViZXJuZXRlczAeFw0yNDA1MjExMDAwMjZaFw0zNDA1MTkxMDA1MjZaMBUx\n" +
	"-----END CERTIFICATE-----\n"))

func testJoin() nodeJoin {
	return nodeJoin{
		ClusterName:          "demo",
		Endpoint:             "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
		CertificateAuthority: testCA,
		ServiceCIDR:          "10.100.0.0/16",
	}
}

// gpuJoin has the labels and taints of a GPU node group.
func gpuJoin() nodeJoin {
	j := testJoin()
	j.Labels = map[string]string{"role": "gpu", "nvidia.com/gpu.present": "true", "example.com/team": "ml"}
	j.Taints = []TaintAttrs{
		{Key: "nvidia.com/gpu", Value: "true", Effect: "NO_SCHEDULE"},
		{Key: "dedicated", Value: "ml", Effect: "PREFER_NO_SCHEDULE"},
	}
	return j
}

// awkwardJoin has labels and taints with characters YAML and TOML treat
// specially, and a key with several effects.
func awkwardJoin() nodeJoin {
	j := testJoin()
	j.Labels = map[string]string{
		"yes":               "no",
		"example.com/hash":  "a#b",
		"example.com/colon": "ends:",
		"example.com/quote": `say"hi"`,
		"example.com/empty": "",
		"example.com/star":  "*alias",
		"example.com/amp":   "&anchor",
		"example.com/bang":  "!tag",
		"example.com/pct":   "100%",
		"example.com/equal": "a=b",
		"example.com/utf8":  "café",
		"1.35":              "1.35",
	}
	j.Taints = []TaintAttrs{
		{Key: "dedicated", Value: "experimental", Effect: "NO_EXECUTE"},
		{Key: "dedicated", Value: "experimental", Effect: "PREFER_NO_SCHEDULE"},
		{Key: "example.com/no-value", Effect: "NO_SCHEDULE"},
		{Key: "dedicated", Value: "experimental", Effect: "NO_EXECUTE"}, // a duplicate
	}
	return j
}

const shellExtra = "#!/bin/bash\nset -euo pipefail\necho 'vm.max_map_count=262144' > /etc/sysctl.d/99-es.conf\n"

const nodeadmExtra = `---
apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  kubelet:
    config:
      shutdownGracePeriod: 30s
      maxPods: 110
`

const mimeExtra = `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="==USER=="

--==USER==
Content-Type: text/x-shellscript; charset="us-ascii"

#!/bin/bash
echo first

--==USER==
Content-Type: text/cloud-config

#cloud-config
packages:
  - htop

--==USER==--
`

const bottlerocketExtra = `# keep the admin container off
[settings.host-containers.admin]
enabled = false

[settings.kubernetes]
max-pods = 110

[settings.kernel]
lockdown = "integrity"
`

// userDataGolden are the user data a reviewer should recognise, one
// golden file each under testdata/userdata/.
var userDataGolden = map[string]struct {
	family string
	join   nodeJoin
	extra  string
}{
	"al2023":                 {"AL2023_x86_64_STANDARD", testJoin(), ""},
	"al2023_labels_taints":   {"AL2023_x86_64_NVIDIA", gpuJoin(), ""},
	"al2023_awkward":         {"AL2023_x86_64_STANDARD", awkwardJoin(), ""},
	"al2023_shell":           {"AL2023_ARM_64_STANDARD", gpuJoin(), shellExtra},
	"al2023_shell_no_bang":   {"AL2023_x86_64_STANDARD", testJoin(), "sysctl -w net.core.somaxconn=4096"},
	"al2023_nodeadm":         {"AL2023_x86_64_STANDARD", gpuJoin(), nodeadmExtra},
	"al2023_mime":            {"CUSTOM", gpuJoin(), mimeExtra},
	"bottlerocket":           {"BOTTLEROCKET_x86_64", testJoin(), ""},
	"bottlerocket_gpu":       {"BOTTLEROCKET_x86_64_NVIDIA", gpuJoin(), ""},
	"bottlerocket_awkward":   {"BOTTLEROCKET_ARM_64", awkwardJoin(), ""},
	"bottlerocket_extra":     {"BOTTLEROCKET_ARM_64_NVIDIA", gpuJoin(), bottlerocketExtra},
	"bottlerocket_extra_crl": {"BOTTLEROCKET_x86_64", testJoin(), "[settings.kernel.sysctl]\r\n\"vm.max_map_count\" = \"262144\"\r\n"},
}

func TestUserDataGolden(t *testing.T) {
	for name, tt := range userDataGolden {
		t.Run(name, func(t *testing.T) {
			got, err := userData(tt.family, tt.join, tt.extra)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "userdata/"+name+".golden", []byte(got))
			golden(t, "userdata/"+name+".readable.golden", []byte(readableUserData(got)))
		})
	}
}

// TestUserDataMIMEParts reads the AL2023 user data back the way nodeadm
// and cloud-init do, as MIME multipart: our NodeConfig first, then the
// user's parts with their content types.
func TestUserDataMIMEParts(t *testing.T) {
	tests := map[string]struct {
		extra string
		want  []string // content types, in order
	}{
		"no extra": {"", []string{"application/node.eks.aws"}},
		"shell":    {shellExtra, []string{"application/node.eks.aws", "text/x-shellscript"}},
		"no #!":    {"echo hi", []string{"application/node.eks.aws", "text/x-shellscript"}},
		"nodeadm":  {nodeadmExtra, []string{"application/node.eks.aws", "application/node.eks.aws"}},
		"nodeadm without ---": {"apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n",
			[]string{"application/node.eks.aws", "application/node.eks.aws"}},
		"mime":                   {mimeExtra, []string{"application/node.eks.aws", `text/x-shellscript; charset="us-ascii"`, "text/cloud-config"}},
		"mime after blank lines": {"\n\n" + mimeExtra, []string{"application/node.eks.aws", `text/x-shellscript; charset="us-ascii"`, "text/cloud-config"}},
		"mime, content type first": {"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/x-shellscript\n\n#!/bin/sh\ntrue\n--B--\n",
			[]string{"application/node.eks.aws", "text/x-shellscript"}},
		"mime, one part": {"MIME-Version: 1.0\nContent-Type: text/x-shellscript\n\n#!/bin/sh\ntrue\n",
			[]string{"application/node.eks.aws", "text/x-shellscript"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ud, err := userData("AL2023_x86_64_STANDARD", gpuJoin(), tt.extra)
			if err != nil {
				t.Fatal(err)
			}
			parts := readMIME(t, ud)
			var got []string
			for _, p := range parts {
				got = append(got, p.header.Get("Content-Type"))
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Fatalf("content types (-want +got):\n%s", d)
			}
			want, err := nodeConfig(gpuJoin())
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, parts[0].body); d != "" {
				t.Errorf("first part is not our NodeConfig (-want +got):\n%s", d)
			}
			for _, p := range parts[1:] {
				if p.header.Get("Content-Type") == contentTypeShell && !strings.HasPrefix(p.body, "#!") {
					t.Errorf("shell part without an interpreter line: %q", p.body)
				}
			}
		})
	}
}

// readMIME parses user data as a MIME multipart/mixed document.
func readMIME(t *testing.T, ud string) []mimePart {
	t.Helper()
	r := textproto.NewReader(bufio.NewReader(strings.NewReader(ud)))
	h, err := r.ReadMIMEHeader()
	if err != nil {
		t.Fatalf("headers: %v\n%s", err, ud)
	}
	if h.Get("Mime-Version") != "1.0" {
		t.Errorf("MIME-Version = %q", h.Get("Mime-Version"))
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" || params["boundary"] != userDataBoundary {
		t.Fatalf("Content-Type %q: %s %v %v", h.Get("Content-Type"), mt, params, err)
	}
	mr := multipart.NewReader(r.R, params["boundary"])
	var parts []mimePart
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("part %d: %v\n%s", len(parts)+1, err, ud)
		}
		body, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, mimePart{header: p.Header, body: string(body)})
	}
	return parts
}

func TestUserDataUserPartsKeptAsWritten(t *testing.T) {
	ud, err := userData("AL2023_x86_64_STANDARD", testJoin(), mimeExtra)
	if err != nil {
		t.Fatal(err)
	}
	parts := readMIME(t, ud)
	if got, want := parts[1].body, "#!/bin/bash\necho first\n"; got != want {
		t.Errorf("user's first part = %q, want %q", got, want)
	}
	if got, want := parts[2].body, "#cloud-config\npackages:\n  - htop\n"; got != want {
		t.Errorf("user's second part = %q, want %q", got, want)
	}
	ud, err = userData("AL2023_x86_64_STANDARD", testJoin(), nodeadmExtra)
	if err != nil {
		t.Fatal(err)
	}
	if got := readMIME(t, ud)[1].body; got != nodeadmExtra {
		t.Errorf("user's NodeConfig = %q, want it as written", got)
	}
}

// TestUserDataDeterministic: the same node group gives the same user data
// (and so no new launch template version) whatever the order of its
// labels and taints.
func TestUserDataDeterministic(t *testing.T) {
	for _, family := range []string{"AL2023_x86_64_STANDARD", "BOTTLEROCKET_x86_64"} {
		first, err := userData(family, awkwardJoin(), "")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 20; i++ {
			j := awkwardJoin()
			// Reverse the taints; maps iterate in a new order each time.
			for a, b := 0, len(j.Taints)-1; a < b; a, b = a+1, b-1 {
				j.Taints[a], j.Taints[b] = j.Taints[b], j.Taints[a]
			}
			got, err := userData(family, j, "")
			if err != nil {
				t.Fatal(err)
			}
			if got != first {
				t.Fatalf("%s: user data changed between calls:\n%s", family, cmp.Diff(first, got))
			}
		}
	}
}

func TestUserDataKubeletFlags(t *testing.T) {
	got, err := kubeletFlags(awkwardJoin())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"--node-labels=1.35=1.35,example.com/amp=&anchor,example.com/bang=!tag,example.com/colon=ends:,example.com/empty=,example.com/equal=a=b,example.com/hash=a#b,example.com/pct=100%,example.com/quote=say\"hi\",example.com/star=*alias,example.com/utf8=café,yes=no",
		"--register-with-taints=dedicated=experimental:NoExecute,dedicated=experimental:PreferNoSchedule,example.com/no-value:NoSchedule",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("kubelet flags (-want +got):\n%s", d)
	}
	if got, err := kubeletFlags(testJoin()); err != nil || got != nil {
		t.Errorf("kubelet flags without labels and taints = %q, %v; want none", got, err)
	}
}

func TestUserDataErrors(t *testing.T) {
	withLabels := func(l map[string]string) nodeJoin { j := testJoin(); j.Labels = l; return j }
	withTaint := func(tt TaintAttrs) nodeJoin { j := testJoin(); j.Taints = []TaintAttrs{tt}; return j }
	noCIDR := testJoin()
	noCIDR.ServiceCIDR = ""
	noEndpoint := testJoin()
	noEndpoint.Endpoint, noEndpoint.CertificateAuthority = "", ""
	tests := map[string]struct {
		family string
		join   nodeJoin
		extra  string
		want   string // in the error
	}{
		"unknown family":      {"WINDOWS_CORE_2022_x86_64", testJoin(), "", `"WINDOWS_CORE_2022_x86_64"`},
		"empty family":        {"", testJoin(), "", `family ""`},
		"amazon linux 2":      {"AL2_x86_64_GPU", testJoin(), "", "bootstrap.sh"},
		"no service CIDR":     {"AL2023_x86_64_STANDARD", noCIDR, "", "service CIDR is unknown"},
		"no endpoint, no CA":  {"BOTTLEROCKET_x86_64", noEndpoint, "", "endpoint, certificate authority is unknown"},
		"label value comma":   {"AL2023_x86_64_STANDARD", withLabels(map[string]string{"team": "a,b"}), "", `label "team"`},
		"label value space":   {"AL2023_x86_64_STANDARD", withLabels(map[string]string{"team": "a b"}), "", `"a b"`},
		"label key equals":    {"AL2023_x86_64_STANDARD", withLabels(map[string]string{"a=b": "c"}), "", `label "a=b"`},
		"label key newline":   {"AL2023_x86_64_STANDARD", withLabels(map[string]string{"a\nb": "c"}), "", `label "a\nb"`},
		"taint effect":        {"AL2023_x86_64_STANDARD", withTaint(TaintAttrs{Key: "k", Effect: "NoSchedule"}), "", `effect "NoSchedule"`},
		"taint effect, BR":    {"BOTTLEROCKET_x86_64", withTaint(TaintAttrs{Key: "k", Effect: ""}), "", `effect ""`},
		"taint key colon":     {"AL2023_x86_64_STANDARD", withTaint(TaintAttrs{Key: "a:b", Effect: "NO_SCHEDULE"}), "", `taint "a:b"`},
		"taint value colon":   {"AL2023_x86_64_STANDARD", withTaint(TaintAttrs{Key: "k", Value: "a:b", Effect: "NO_SCHEDULE"}), "", `"a:b"`},
		"taint empty key":     {"AL2023_x86_64_STANDARD", withTaint(TaintAttrs{Value: "v", Effect: "NO_SCHEDULE"}), "", `taint ""`},
		"our boundary":        {"AL2023_x86_64_STANDARD", testJoin(), "#!/bin/sh\necho --//eksctl-lite//\n", "MIME boundary"},
		"user uses boundary":  {"AL2023_x86_64_STANDARD", testJoin(), "Content-Type: multipart/mixed; boundary=\"//eksctl-lite//\"\n\n--//eksctl-lite//\n\nx\n--//eksctl-lite//--\n", "MIME boundary"},
		"mime, no boundary":   {"AL2023_x86_64_STANDARD", testJoin(), "MIME-Version: 1.0\nContent-Type: multipart/mixed\n\n", "no boundary"},
		"mime, unterminated":  {"AL2023_x86_64_STANDARD", testJoin(), "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhello\n", "does not parse"},
		"mime, no parts":      {"AL2023_x86_64_STANDARD", testJoin(), "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n--B--\n", "without parts"},
		"mime, bad type":      {"AL2023_x86_64_STANDARD", testJoin(), "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary\n\n", "does not parse"},
		"bottlerocket, bare":  {"BOTTLEROCKET_x86_64", testJoin(), "# comment\nmotd = \"hi\"\n[settings.kernel]\n", `not "motd = \"hi\""`},
		"bottlerocket, array": {"BOTTLEROCKET_x86_64", testJoin(), "max-pods = 110", "table header"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := userData(tt.family, tt.join, tt.extra)
			if err == nil {
				t.Fatalf("want an error, got user data\n%s", got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %s", err, tt.want)
			}
		})
	}
}

func TestUserDataCustomIsNodeadm(t *testing.T) {
	custom, err := userData("CUSTOM", gpuJoin(), shellExtra)
	if err != nil {
		t.Fatal(err)
	}
	al2023, err := userData("AL2023_ARM_64_NVIDIA", gpuJoin(), shellExtra)
	if err != nil {
		t.Fatal(err)
	}
	if custom != al2023 {
		t.Errorf("CUSTOM user data differs from AL2023's:\n%s", cmp.Diff(al2023, custom))
	}
}

// TestUserDataBottlerocketMergesTables: a table the user and eksctl-lite
// both write is written once (TOML allows no second [settings.kubernetes]).
func TestUserDataBottlerocketMergesTables(t *testing.T) {
	extra := "[ settings.\"kubernetes\" ]\nmax-pods = 110\n\n[settings.kubernetes.node-labels]\n\"extra\" = \"yes\"\n"
	got, err := userData("BOTTLEROCKET_x86_64", gpuJoin(), extra)
	if err != nil {
		t.Fatal(err)
	}
	for _, header := range []string{"[settings.kubernetes]", "[settings.kubernetes.node-labels]"} {
		n := 0
		for _, line := range strings.Split(got, "\n") {
			if name, ok := tomlHeader(line); ok && "["+name+"]" == header {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s written %d times:\n%s", header, n, got)
		}
	}
	for _, want := range []string{
		"[ settings.\"kubernetes\" ]\napi-server = ",
		"max-pods = 110\n",
		"[settings.kubernetes.node-labels]\n\"example.com/team\" = \"ml\"\n",
		"\"extra\" = \"yes\"\n",
		"[settings.kubernetes.node-taints]\n\"dedicated\" = [\"ml:PreferNoSchedule\"]\n\"nvidia.com/gpu\" = [\"true:NoSchedule\"]\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("user data lacks %q:\n%s", want, got)
		}
	}
}

func TestYAMLString(t *testing.T) {
	tests := map[string]string{
		"demo":                                  "demo",
		"https://x.eks.amazonaws.com":           "https://x.eks.amazonaws.com",
		"10.100.0.0/16":                         "10.100.0.0/16",
		testCA:                                  testCA,
		"--node-labels=a=b,c=d":                 "--node-labels=a=b,c=d",
		"--register-with-taints=k=v:NoSchedule": "--register-with-taints=k=v:NoSchedule",
		"":                                      `""`,
		"yes":                                   `"yes"`,
		"No":                                    `"No"`,
		"on":                                    `"on"`,
		"null":                                  `"null"`,
		"1.35":                                  `"1.35"`,
		"123":                                   `"123"`,
		"+1":                                    `"+1"`,
		"-1":                                    `"-1"`,
		".5":                                    `".5"`,
		"1:20":                                  `"1:20"`,
		"0x1f":                                  `"0x1f"`,
		"-":                                     `"-"`,
		"---":                                   `"---"`,
		"key:":                                  `"key:"`,
		"a: b":                                  `"a: b"`,
		"a #b":                                  `"a #b"`,
		"#comment":                              `"#comment"`,
		"*alias":                                `"*alias"`,
		"&anchor":                               `"&anchor"`,
		"!tag":                                  `"!tag"`,
		"%directive":                            `"%directive"`,
		"@reserved":                             `"@reserved"`,
		"`reserved":                             "\"`reserved\"",
		"[flow]":                                `"[flow]"`,
		"{flow}":                                `"{flow}"`,
		"|block":                                `"|block"`,
		">folded":                               `">folded"`,
		"?key":                                  `"?key"`,
		"'single'":                              `"'single'"`,
		" leading":                              `" leading"`,
		"trailing ":                             `"trailing "`,
		`say "hi"`:                              `"say \"hi\""`,
		`back\slash`:                            `"back\\slash"`,
		"two\nlines":                            `"two\nlines"`,
		"tab\there":                             `"tab\there"`,
		"bell\a":                                `"bell\u0007"`,
		"del\x7f":                               `"del\u007F"`,
		"line\u2028sep":                         `"line\u2028sep"`,
		"café":                                  `"café"`,
		"bad\xffutf8":                           `"bad` + "\uFFFD" + `utf8"`,
	}
	for give, want := range tests {
		got := yamlString(give)
		if got != want {
			t.Errorf("yamlString(%q) = %s, want %s", give, got, want)
		}
		// The quoted form uses only escapes JSON shares with YAML, so a
		// JSON reader gives back the string.
		if strings.HasPrefix(got, `"`) {
			var back string
			if err := json.Unmarshal([]byte(got), &back); err != nil {
				t.Errorf("yamlString(%q) = %s: not a JSON string: %v", give, got, err)
			} else if back != strings.ToValidUTF8(give, "\uFFFD") {
				t.Errorf("yamlString(%q) = %s reads back as %q", give, got, back)
			}
		}
	}
}

func TestTOMLHeader(t *testing.T) {
	tests := map[string]struct {
		name string
		ok   bool
	}{
		"[settings.kubernetes]":               {"settings.kubernetes", true},
		"  [ settings . kubernetes ]  # x":    {"settings.kubernetes", true},
		`[settings."kubernetes".node-taints]`: {"settings.kubernetes.node-taints", true},
		"[[settings.array]]":                  {"", false},
		"key = [1]":                           {"", false},
		"[unclosed":                           {"", false},
	}
	for give, tt := range tests {
		name, ok := tomlHeader(give)
		if name != tt.name || ok != tt.ok {
			t.Errorf("tomlHeader(%q) = %q, %v; want %q, %v", give, name, ok, tt.name, tt.ok)
		}
	}
}

func TestEncodeDecodeUserData(t *testing.T) {
	ud, err := userData("AL2023_x86_64_STANDARD", awkwardJoin(), mimeExtra)
	if err != nil {
		t.Fatal(err)
	}
	enc := encodeUserData(ud)
	if strings.ContainsAny(enc, "\n-") {
		t.Errorf("encoded user data is not standard base64 on one line: %q", enc)
	}
	got, err := decodeUserData(enc)
	if err != nil {
		t.Fatal(err)
	}
	if got != ud {
		t.Errorf("decode(encode(x)) != x:\n%s", cmp.Diff(ud, got))
	}
	if _, err := decodeUserData("not base64!"); err == nil || !strings.Contains(err.Error(), "not base64") {
		t.Errorf("decodeUserData of garbage: err = %v", err)
	}
	if got, err := decodeUserData(""); err != nil || got != "" {
		t.Errorf("decodeUserData(\"\") = %q, %v", got, err)
	}
}

// TestReadableUserData: the plan shows user data without the certificate,
// but a rotated certificate is still a visible change.
func TestReadableUserData(t *testing.T) {
	rotated := testJoin()
	rotated.CertificateAuthority = base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nMIIrotated\n-----END CERTIFICATE-----\n"))
	for _, family := range []string{"AL2023_x86_64_STANDARD", "BOTTLEROCKET_x86_64"} {
		t.Run(family, func(t *testing.T) {
			before, err := userData(family, testJoin(), "")
			if err != nil {
				t.Fatal(err)
			}
			after, err := userData(family, rotated, "")
			if err != nil {
				t.Fatal(err)
			}
			rb, ra := readableUserData(before), readableUserData(after)
			if strings.Contains(rb, testCA) {
				t.Errorf("readable user data holds the certificate:\n%s", rb)
			}
			if !strings.Contains(rb, "<certificate authority, ") {
				t.Errorf("readable user data does not name the certificate:\n%s", rb)
			}
			if rb == ra {
				t.Errorf("a rotated certificate does not show:\n%s", rb)
			}
			if readableUserData(before) != rb {
				t.Error("readableUserData is not deterministic")
			}
			// Only the certificate line differs from the user data itself.
			bl, rl := strings.Split(before, "\n"), strings.Split(rb, "\n")
			if len(bl) != len(rl) {
				t.Fatalf("readable user data has %d lines, the user data %d", len(rl), len(bl))
			}
			changed := 0
			for i := range bl {
				if bl[i] != rl[i] {
					changed++
				}
			}
			if changed != 1 {
				t.Errorf("%d lines changed, want 1 (the certificate)", changed)
			}
		})
	}
	if got := readableUserData("#!/bin/bash\necho certificateAuthority is here\n"); got != "#!/bin/bash\necho certificateAuthority is here\n" {
		t.Errorf("readableUserData changed a line that holds no certificate: %q", got)
	}
}
