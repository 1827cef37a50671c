package provision

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// The user data of a launch template eksctl-lite writes: what a node needs
// to join the cluster, in the format its AMI family reads, with the user's
// own user_data merged in. Pure functions; the planner renders
// readableUserData in the plan and the apply code sends encodeUserData.

// nodeJoin is what a node needs to join a cluster, from the live cluster.
type nodeJoin struct {
	ClusterName string
	Endpoint    string // https://...
	// CertificateAuthority is base64 PEM, as DescribeCluster gives it
	// (certificateAuthority.data).
	CertificateAuthority string
	// ServiceCIDR is kubernetesNetworkConfig.serviceIpv4Cidr, e.g.
	// 10.100.0.0/16; nodeadm infers the cluster DNS address from it.
	ServiceCIDR string
	Labels      map[string]string
	// Taints use the EKS effect spelling (NO_SCHEDULE, ...).
	Taints []TaintAttrs
}

// userDataBoundary separates the parts of the MIME multipart user data.
// It is fixed so that the same inputs always give the same user data (and
// so the same launch template version). RFC 2046 allows "/" in a boundary;
// the Content-Type header quotes it.
const userDataBoundary = "//eksctl-lite//"

// MIME content types of the user data parts. nodeadm reads the
// application/node.eks.aws parts; cloud-init runs text/x-shellscript ones
// ("nodeadm" in the amazon-eks-ami docs: "You'll typically provide this
// configuration in your EC2 instance's user data, either as-is or embedded
// within a MIME multi-part document").
const (
	contentTypeNodeadm = "application/node.eks.aws"
	contentTypeShell   = "text/x-shellscript"
)

// kubeletTaintEffects maps the EKS API's taint effects to the spelling the
// kubelet and Bottlerocket take.
var kubeletTaintEffects = map[string]string{
	"NO_SCHEDULE":        "NoSchedule",
	"NO_EXECUTE":         "NoExecute",
	"PREFER_NO_SCHEDULE": "PreferNoSchedule",
}

// userData returns the launch template user data (plain text, not base64) for a node of family family
// ("AL2023_*" families and "CUSTOM" for managed node groups with a custom AMI -> nodeadm;
// "BOTTLEROCKET_*" -> Bottlerocket TOML settings), with the user's extra (may be "").
func userData(family string, j nodeJoin, extra string) (string, error) {
	switch {
	case family == "CUSTOM" || strings.HasPrefix(family, "AL2023_"):
		return nodeadmUserData(j, extra)
	case strings.HasPrefix(family, "BOTTLEROCKET_"):
		return bottlerocketUserData(j, extra)
	case strings.HasPrefix(family, "AL2_"):
		return "", fmt.Errorf("user data for AMI family %s: Amazon Linux 2 nodes join with /etc/eks/bootstrap.sh, which eksctl-lite does not write (EKS publishes no AL2 AMIs after Kubernetes 1.32); use an AL2023_ family", family)
	}
	return "", fmt.Errorf("user data for AMI family %q: eksctl-lite writes user data for AL2023_*, BOTTLEROCKET_* and CUSTOM (nodeadm) families only", family)
}

// checkJoin says which cluster detail a node could not join without.
func checkJoin(j nodeJoin, needCIDR bool) error {
	var missing []string
	if j.ClusterName == "" {
		missing = append(missing, "name")
	}
	if j.Endpoint == "" {
		missing = append(missing, "endpoint")
	}
	if j.CertificateAuthority == "" {
		missing = append(missing, "certificate authority")
	}
	if needCIDR && j.ServiceCIDR == "" {
		missing = append(missing, "service CIDR")
	}
	if len(missing) > 0 {
		return fmt.Errorf("user data for cluster %q: the cluster's %s is unknown, and nodes cannot join without it", j.ClusterName, strings.Join(missing, ", "))
	}
	return nil
}

// sortedTaints returns taints sorted by key, value and effect, without
// duplicates: taints are a set, and the user data must not change when
// only their order does.
func sortedTaints(taints []TaintAttrs) []TaintAttrs {
	out := append([]TaintAttrs(nil), taints...)
	sort.Slice(out, func(a, b int) bool {
		if out[a].Key != out[b].Key {
			return out[a].Key < out[b].Key
		}
		if out[a].Value != out[b].Value {
			return out[a].Value < out[b].Value
		}
		return out[a].Effect < out[b].Effect
	})
	dedup := out[:0]
	for i, t := range out {
		if i == 0 || t != out[i-1] {
			dedup = append(dedup, t)
		}
	}
	return dedup
}

// kubeletEffect returns the kubelet spelling of an EKS taint effect.
func kubeletEffect(t TaintAttrs) (string, error) {
	e, ok := kubeletTaintEffects[t.Effect]
	if !ok {
		return "", fmt.Errorf("taint %q: effect %q is not one of NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE", t.Key, t.Effect)
	}
	return e, nil
}

// ---------------------------------------------------------------------------
// Amazon Linux 2023 (and CUSTOM AMIs): nodeadm.

// nodeadmUserData is a MIME multipart/mixed document: eksctl-lite's
// NodeConfig first, then the user's parts. nodeadm merges every NodeConfig
// part in document order, the later winning ("Merging multiple
// configuration objects", amazon-eks-ami nodeadm/doc/examples.md), so the
// user's NodeConfig can add to or override ours.
func nodeadmUserData(j nodeJoin, extra string) (string, error) {
	if err := checkJoin(j, true); err != nil {
		return "", err
	}
	config, err := nodeConfig(j)
	if err != nil {
		return "", err
	}
	parts := []mimePart{{header: textproto.MIMEHeader{"Content-Type": {contentTypeNodeadm}}, body: config}}
	more, err := extraParts(extra)
	if err != nil {
		return "", err
	}
	return mimeDocument(append(parts, more...))
}

// managedUserData is the user data of a managed node group's template on
// an EKS AMI: only the user's, since EKS merges in the bootstrap that joins
// the cluster. EKS takes it as a MIME multipart document for Amazon Linux
// (EKS user guide, "Amazon EC2 user data": "must be in the MIME
// multi-part archive format") and as Bottlerocket's TOML settings as
// written; text that is not MIME already becomes parts as extraParts says.
func managedUserData(amiType, extra string) (string, error) {
	if strings.HasPrefix(amiType, "BOTTLEROCKET") || strings.HasPrefix(amiType, "WINDOWS") {
		return extra, nil
	}
	parts, err := extraParts(extra)
	if err != nil || len(parts) == 0 {
		return "", err
	}
	return mimeDocument(parts)
}

// mimeDocument is a MIME multipart/mixed document of parts, separated by
// userDataBoundary (fixed: the same parts make the same user data).
func mimeDocument(parts []mimePart) (string, error) {
	var b strings.Builder
	b.WriteString("MIME-Version: 1.0\n")
	b.WriteString("Content-Type: " + mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": userDataBoundary}) + "\n")
	for _, p := range parts {
		if strings.Contains(p.body, "--"+userDataBoundary) {
			return "", fmt.Errorf("launch template user_data contains --%s, the MIME boundary eksctl-lite separates user data parts with; remove it", userDataBoundary)
		}
		b.WriteString("\n--" + userDataBoundary + "\n")
		for _, k := range sortedKeys(p.header) {
			for _, v := range p.header[k] {
				b.WriteString(k + ": " + v + "\n")
			}
		}
		b.WriteString("\n")
		b.WriteString(withNewline(p.body))
	}
	b.WriteString("\n--" + userDataBoundary + "--\n")
	return b.String(), nil
}

// nodeConfig is the nodeadm NodeConfig that joins the cluster, as YAML
// with its keys sorted (amazon-eks-ami nodeadm/doc/api.md: spec.cluster
// name, apiServerEndpoint, certificateAuthority, cidr; spec.kubelet.flags
// are kubelet command-line arguments appended to nodeadm's defaults).
func nodeConfig(j nodeJoin) (string, error) {
	flags, err := kubeletFlags(j)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("---\n")
	b.WriteString("apiVersion: node.eks.aws/v1alpha1\n")
	b.WriteString("kind: NodeConfig\n")
	b.WriteString("spec:\n")
	b.WriteString("  cluster:\n")
	b.WriteString("    apiServerEndpoint: " + yamlString(j.Endpoint) + "\n")
	b.WriteString("    certificateAuthority: " + yamlString(j.CertificateAuthority) + "\n")
	b.WriteString("    cidr: " + yamlString(j.ServiceCIDR) + "\n")
	b.WriteString("    name: " + yamlString(j.ClusterName) + "\n")
	if len(flags) > 0 {
		b.WriteString("  kubelet:\n")
		b.WriteString("    flags:\n")
		for _, f := range flags {
			b.WriteString("      - " + yamlString(f) + "\n")
		}
	}
	return b.String(), nil
}

// kubeletFlags are --node-labels=k=v,... (sorted by key) and
// --register-with-taints=k=v:Effect,... (sorted), or none.
//
// The kubelet splits both flags on commas, labels on the first "=" and
// taints on ":" and "="; nodeadm passes flags to the kubelet through a
// systemd environment variable that is split on whitespace. A string that
// would be cut apart by any of these is an error here rather than a node
// that never registers.
func kubeletFlags(j nodeJoin) ([]string, error) {
	var flags []string
	if len(j.Labels) > 0 {
		pairs := make([]string, 0, len(j.Labels))
		for _, k := range sortedKeys(j.Labels) {
			v := j.Labels[k]
			if k == "" || strings.ContainsAny(k, ",=") || hasSpaceOrControl(k) {
				return nil, fmt.Errorf("label %q: a label key passed to the kubelet (--node-labels) must be non-empty and hold no comma, \"=\", whitespace or control character", k)
			}
			if strings.Contains(v, ",") || hasSpaceOrControl(v) {
				return nil, fmt.Errorf("label %q: its value %q cannot be passed to the kubelet (--node-labels): it holds a comma, whitespace or a control character", k, v)
			}
			pairs = append(pairs, k+"="+v)
		}
		flags = append(flags, "--node-labels="+strings.Join(pairs, ","))
	}
	if len(j.Taints) > 0 {
		var taints []string
		for _, t := range sortedTaints(j.Taints) {
			effect, err := kubeletEffect(t)
			if err != nil {
				return nil, err
			}
			if t.Key == "" || strings.ContainsAny(t.Key, ",=:") || hasSpaceOrControl(t.Key) {
				return nil, fmt.Errorf("taint %q: a taint key passed to the kubelet (--register-with-taints) must be non-empty and hold no comma, \"=\", \":\", whitespace or control character", t.Key)
			}
			if strings.ContainsAny(t.Value, ",=:") || hasSpaceOrControl(t.Value) {
				return nil, fmt.Errorf("taint %q: its value %q cannot be passed to the kubelet (--register-with-taints): it holds a comma, \"=\", \":\", whitespace or a control character", t.Key, t.Value)
			}
			// The kubelet takes key=value:Effect, or key:Effect for a taint
			// without a value.
			if t.Value == "" {
				taints = append(taints, t.Key+":"+effect)
			} else {
				taints = append(taints, t.Key+"="+t.Value+":"+effect)
			}
		}
		flags = append(flags, "--register-with-taints="+strings.Join(taints, ","))
	}
	return flags, nil
}

// hasSpaceOrControl says whether s holds whitespace or a control character.
func hasSpaceOrControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0
}

// mimePart is one part of a MIME multipart document.
type mimePart struct {
	header textproto.MIMEHeader
	body   string
}

// extraParts turns the user's launch template user_data into MIME parts:
//
//   - a MIME document (it starts with MIME-Version or a multipart
//     Content-Type): its parts, as they are, after ours;
//   - a nodeadm NodeConfig (it starts with "---" or names the
//     node.eks.aws API): one application/node.eks.aws part;
//   - a script starting with "#!": one text/x-shellscript part;
//   - anything else is taken for a shell script too, since that is what
//     user data usually is. cloud-init executes a text/x-shellscript part
//     directly, so a script without an interpreter line would fail with
//     "Exec format error"; it gets #!/bin/bash.
func extraParts(extra string) ([]mimePart, error) {
	text := strings.TrimLeft(extra, " \t\r\n")
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	switch {
	case isMIME(text):
		return mimeParts(text)
	case strings.HasPrefix(text, "---") || strings.Contains(text, "apiVersion: node.eks.aws"):
		return []mimePart{{header: textproto.MIMEHeader{"Content-Type": {contentTypeNodeadm}}, body: text}}, nil
	case strings.HasPrefix(text, "#!"):
		return []mimePart{{header: textproto.MIMEHeader{"Content-Type": {contentTypeShell}}, body: text}}, nil
	default:
		return []mimePart{{header: textproto.MIMEHeader{"Content-Type": {contentTypeShell}}, body: "#!/bin/bash\n" + text}}, nil
	}
}

// isMIME says whether text's first line is a MIME-Version header or a
// multipart Content-Type header.
func isMIME(text string) bool {
	line, _, _ := strings.Cut(text, "\n")
	name, value, ok := strings.Cut(strings.ToLower(line), ":")
	if !ok {
		return false
	}
	switch strings.TrimSpace(name) {
	case "mime-version":
		return true
	case "content-type":
		return strings.HasPrefix(strings.TrimSpace(value), "multipart/")
	}
	return false
}

// mimeParts returns the parts of the user's MIME document, with their
// headers and bodies as written (NextRawPart: no transfer decoding). A
// MIME message that is not multipart is one part.
func mimeParts(text string) ([]mimePart, error) {
	r := textproto.NewReader(bufio.NewReader(strings.NewReader(text)))
	header, err := r.ReadMIMEHeader()
	if err != nil && !(errors.Is(err, io.EOF) && len(header) > 0) {
		return nil, fmt.Errorf("launch template user_data starts like a MIME document, but its headers do not parse: %v", err)
	}
	contentType := header.Get("Content-Type")
	mediaType, params := "text/plain", map[string]string(nil)
	if contentType != "" {
		if mediaType, params, err = mime.ParseMediaType(contentType); err != nil {
			return nil, fmt.Errorf("launch template user_data: its MIME Content-Type %q does not parse: %v", contentType, err)
		}
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		body, err := io.ReadAll(r.R)
		if err != nil {
			return nil, err
		}
		part := textproto.MIMEHeader{}
		for k, v := range header {
			if k != "Mime-Version" {
				part[k] = v
			}
		}
		return []mimePart{{header: part, body: string(body)}}, nil
	}
	if params["boundary"] == "" {
		return nil, fmt.Errorf("launch template user_data: its Content-Type %s has no boundary", mediaType)
	}
	if params["boundary"] == userDataBoundary {
		return nil, fmt.Errorf("launch template user_data uses the MIME boundary %s, which eksctl-lite uses for its own; choose another", userDataBoundary)
	}
	mr := multipart.NewReader(r.R, params["boundary"])
	var parts []mimePart
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("launch template user_data is a MIME multipart document that does not parse (part %d): %v", len(parts)+1, err)
		}
		body, err := io.ReadAll(p)
		if err != nil {
			return nil, fmt.Errorf("launch template user_data is a MIME multipart document that does not parse (part %d): %v", len(parts)+1, err)
		}
		parts = append(parts, mimePart{header: p.Header, body: string(body)})
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("launch template user_data is a MIME multipart document without parts")
	}
	return parts, nil
}

func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// yamlString returns s as a YAML scalar that reads back as the string s:
// plain when that is unambiguous, else double-quoted. Plain is kept to
// what no YAML 1.1 or 1.2 reader takes for anything else: a conservative
// set of characters, not starting like a number, boolean or null, and no
// ":" at the end (that would make a mapping key). The double-quoted form
// uses only the escapes YAML and JSON share.
func yamlString(s string) string {
	if yamlPlainSafe(s) {
		return s
	}
	return quoteString(s)
}

// yamlPlainRE: safe characters, a safe first character.
var yamlPlainRE = regexp.MustCompile(`^[A-Za-z0-9_/.+-][A-Za-z0-9_/.+,:=@-]*$`)

// yamlReserved are the words YAML 1.1 (which sigs.k8s.io/yaml, and so
// nodeadm, reads) resolves to booleans or null, lower-cased.
var yamlReserved = map[string]bool{
	"y": true, "yes": true, "n": true, "no": true, "true": true, "false": true,
	"on": true, "off": true, "null": true,
}

func yamlPlainSafe(s string) bool {
	if !yamlPlainRE.MatchString(s) || strings.HasSuffix(s, ":") || yamlReserved[strings.ToLower(s)] {
		return false
	}
	if s == "-" || strings.HasPrefix(s, "---") || strings.HasPrefix(s, "- ") {
		return false
	}
	// Numbers (1.35, +1, .5, -3, 0x1f, 1_000, 1:20 sexagesimal, .inf)
	// all start with a digit, a sign or a dot; none holds a "/", so a path
	// or CIDR (10.100.0.0/16) stays plain.
	first := s[0]
	if (first >= '0' && first <= '9') || first == '+' || first == '.' || (first == '-' && len(s) > 1 && (s[1] == '.' || (s[1] >= '0' && s[1] <= '9'))) {
		return strings.Contains(s, "/")
	}
	return true
}

// quoteString returns s double-quoted with the escapes YAML, TOML basic
// strings and JSON all read the same way: \\ \" \n \t \r and \uXXXX for
// other control characters (and the characters YAML does not allow raw).
// Invalid UTF-8 becomes U+FFFD.
func quoteString(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\uFEFF' {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// ---------------------------------------------------------------------------
// Bottlerocket: TOML settings.

// bottlerocketUserData is Bottlerocket's user data TOML: settings.kubernetes
// api-server, cluster-certificate, cluster-name, node-labels and node-taints
// (Bottlerocket README, "Kubernetes settings"). The cluster DNS address is
// not written: Bottlerocket derives it from the cluster's service CIDR
// itself. The user's extra TOML follows; see mergeBottlerocket.
func bottlerocketUserData(j nodeJoin, extra string) (string, error) {
	if err := checkJoin(j, false); err != nil {
		return "", err
	}
	tables := []tomlTable{{name: "settings.kubernetes", lines: []string{
		"api-server = " + quoteString(j.Endpoint),
		"cluster-certificate = " + quoteString(j.CertificateAuthority),
		"cluster-name = " + quoteString(j.ClusterName),
	}}}
	if len(j.Labels) > 0 {
		t := tomlTable{name: "settings.kubernetes.node-labels"}
		for _, k := range sortedKeys(j.Labels) {
			t.lines = append(t.lines, quoteString(k)+" = "+quoteString(j.Labels[k]))
		}
		tables = append(tables, t)
	}
	if len(j.Taints) > 0 {
		// node-taints maps a key to a list of "value:Effect" (":Effect"
		// without a value), so one key can carry several effects
		// (README: "dedicated" = ["experimental:PreferNoSchedule",
		// "experimental:NoExecute"]). Bottlerocket before the list form
		// took one string per key; current releases read both.
		t := tomlTable{name: "settings.kubernetes.node-taints"}
		taints := sortedTaints(j.Taints)
		for i := 0; i < len(taints); {
			key := taints[i].Key
			var values []string
			for ; i < len(taints) && taints[i].Key == key; i++ {
				effect, err := kubeletEffect(taints[i])
				if err != nil {
					return "", err
				}
				values = append(values, quoteString(taints[i].Value+":"+effect))
			}
			t.lines = append(t.lines, quoteString(key)+" = ["+strings.Join(values, ", ")+"]")
		}
		tables = append(tables, t)
	}
	return mergeBottlerocket(tables, extra)
}

// tomlTable is a [name] table header and its key = value lines.
type tomlTable struct {
	name  string
	lines []string
}

// mergeBottlerocket writes eksctl-lite's tables, then the user's TOML as
// written. TOML allows a table to be defined once, so when the user's TOML
// has a header of one of our tables (say [settings.kubernetes], to set
// max-pods), our lines go under the user's header instead of a second one.
// The user's TOML must begin with a table header: bare keys at its top
// would fall into whichever of our tables came last.
func mergeBottlerocket(tables []tomlTable, extra string) (string, error) {
	extraLines := strings.Split(strings.TrimRight(strings.ReplaceAll(extra, "\r\n", "\n"), "\n"), "\n")
	if strings.TrimSpace(extra) == "" {
		extraLines = nil
	}
	for _, line := range extraLines {
		l := strings.TrimSpace(line)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if !strings.HasPrefix(l, "[") {
			return "", fmt.Errorf("launch template user_data for Bottlerocket must begin with a table header such as [settings.kernel], not %q: it follows the [settings.kubernetes] tables eksctl-lite writes", l)
		}
		break
	}
	headerAt := map[string]int{} // table name -> line of its header in extra
	for i, line := range extraLines {
		if name, ok := tomlHeader(line); ok {
			if _, seen := headerAt[name]; !seen {
				headerAt[name] = i
			}
		}
	}
	insert := map[int][]string{} // line of extra -> our lines after it
	var b strings.Builder
	for _, t := range tables {
		if at, ok := headerAt[t.name]; ok {
			insert[at] = t.lines
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("[" + t.name + "]\n")
		for _, l := range t.lines {
			b.WriteString(l + "\n")
		}
	}
	if len(extraLines) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		for i, line := range extraLines {
			b.WriteString(line + "\n")
			for _, l := range insert[i] {
				b.WriteString(l + "\n")
			}
		}
	}
	return b.String(), nil
}

// tomlHeader returns the dotted name of a [table] header line, with
// whitespace around dots and quotes around simple keys dropped
// ([ settings."kubernetes" ] is settings.kubernetes), or false.
func tomlHeader(line string) (string, bool) {
	l := strings.TrimSpace(line)
	if !strings.HasPrefix(l, "[") || strings.HasPrefix(l, "[[") {
		return "", false
	}
	end := strings.Index(l, "]")
	if end < 0 {
		return "", false
	}
	parts := strings.Split(l[1:end], ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, "."), true
}

// ---------------------------------------------------------------------------
// Encoding and the plan's view.

// encodeUserData returns s as EC2 takes launch template user data: base64.
func encodeUserData(s string) string {
	return base64.StdEncoding.EncodeToString([]byte(s))
}

// decodeUserData returns the text of base64 launch template user data, as
// DescribeLaunchTemplateVersions gives it.
func decodeUserData(b64 string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", fmt.Errorf("launch template user data is not base64: %v", err)
	}
	return string(b), nil
}

// caLineRE finds the certificate authority in user data: nodeadm's
// certificateAuthority: VALUE and Bottlerocket's cluster-certificate = "VALUE".
var caLineRE = regexp.MustCompile(`(?m)^([ \t]*(?:certificateAuthority:[ \t]*|cluster-certificate[ \t]*=[ \t]*))("?)([^"\s]+)("?)[ \t]*$`)

// readableUserData returns user data as the plan shows it: the text as
// it is, but each certificate authority replaced by its length (in base64
// characters) and the first 8 hex digits of its SHA-256, so that a plan
// stays readable and a rotated CA still shows as a change.
func readableUserData(s string) string {
	return caLineRE.ReplaceAllStringFunc(s, func(line string) string {
		m := caLineRE.FindStringSubmatch(line)
		sum := sha256.Sum256([]byte(m[3]))
		return fmt.Sprintf("%s%s<certificate authority, %d bytes, sha256 %s>%s", m[1], m[2], len(m[3]), hex.EncodeToString(sum[:4]), m[4])
	})
}
