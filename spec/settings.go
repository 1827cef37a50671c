package spec

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

// rawSettingsBlock is a top-level `settings` block before its body is
// decoded: like a cluster's, the body may use variables and locals.
type rawSettingsBlock struct {
	Body     hcl.Body  `hcl:",remain"`
	DefRange hcl.Range `hcl:",def_range"`
}

// rawSettings is the body of the settings block: options of the whole
// configuration rather than of one cluster. Nested blocks go here too (a
// later `lock { s3_bucket = ..., s3_prefix = ... }` is one more field,
// Lock *rawLock `hcl:"lock,block"`).
type rawSettings struct {
	Name *string  `hcl:"name,optional"`
	Body hcl.Body `hcl:",body"`
}

// configNameRE is what a configuration name may be: it is the value of an
// ownership tag on every resource (AWS tag values allow more) and part of
// tag-based lookups, so it is kept to characters that need no quoting
// anywhere and to 63 of them.
var configNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// buildSettings decodes the settings block, if any (a second one is an
// error pointing at both), and sets the configuration's name: the one
// written, or the base name of dir, the directory the configuration was
// loaded from. firstFile is where a diagnostic about a defaulted name points.
func (l *loader) buildSettings(cfg *Config, blocks []*rawSettingsBlock, dir, firstFile string) {
	for _, b := range blocks[min(1, len(blocks)):] {
		l.errorf(b.DefRange.Ptr(), "Duplicate settings block",
			"A settings block is already declared at %s. A configuration has at most one settings block, across all its files: merge the two into one.",
			blocks[0].DefRange)
	}
	var rs rawSettings
	var def hcl.Range
	if len(blocks) > 0 {
		def = blocks[0].DefRange
		body := l.wrapNulls(blocks[0].Body)
		l.diags = append(l.diags, gohcl.DecodeBody(body, l.ctx, &rs)...)
		if rs.Body == nil {
			rs.Body = body
		}
	}
	if rs.Name == nil && has(rs.Body, "name") {
		// Written but not decodable (a list, an unknown function): the
		// decoder reported it; a default would hide what the user meant.
		cfg.NameRange = *at(rs.Body, "name", def)
		return
	}
	if rs.Name != nil {
		cfg.Name = *rs.Name
		cfg.NameRange = *at(rs.Body, "name", def)
		if l.usable(rs.Body, "name") && !configNameRE.MatchString(cfg.Name) {
			l.errorf(cfg.NameRange.Ptr(), "Invalid configuration name",
				"%q is not a valid configuration name: 1 to 63 letters, digits, '.', '_' and '-', starting with a letter or digit. eksctl-lite tags every resource it creates with this name and finds them by it.%s",
				cfg.Name, suggestName(cfg.Name))
		}
		return
	}
	cfg.NameDefaulted = true
	cfg.NameRange = hcl.Range{Filename: firstFile, Start: hcl.InitialPos, End: hcl.InitialPos}
	if def.Filename != "" {
		cfg.NameRange = def
	}
	if dir == "" {
		return // no file was read: reported already
	}
	cfg.Name = filepath.Base(dir)
	if !configNameRE.MatchString(cfg.Name) {
		l.errorf(cfg.NameRange.Ptr(), "Invalid configuration name",
			"The configuration has no settings { name = \"...\" }, so it is named after its directory, %s, but %q is not a valid configuration name: 1 to 63 letters, digits, '.', '_' and '-', starting with a letter or digit. eksctl-lite tags every resource it creates with this name and finds them by it. Name the configuration in one of its files: settings { name = %q }.",
			dir, cfg.Name, suggested(cfg.Name))
	}
}

// configDir is the directory a configuration whose first file is named
// first was loaded from, absolute and cleaned: a directory given on the
// command line (its files are named dir/file), the directory of a file
// given by name, the current directory for ".". A symbolic link keeps its
// own name: the configuration is named as the user sees it.
func configDir(first string) string {
	dir, err := filepath.Abs(filepath.Dir(first))
	if err != nil {
		return filepath.Clean(filepath.Dir(first))
	}
	return dir
}

// suggestName returns ` Did you mean "x"?` with a valid name made from
// name, or "" when none can be made.
func suggestName(name string) string {
	if s := suggested(name); s != "platform" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

// suggested turns name into a valid configuration name: each run of other
// characters becomes '-', leading ones are dropped, and the result is cut
// to 63 characters; "platform" when nothing is left.
func suggested(name string) string {
	var sb strings.Builder
	dash := false
	for _, r := range name {
		ok := r < 128 && (r == '.' || r == '_' || r == '-' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z'))
		switch {
		case ok:
			sb.WriteRune(r)
			dash = false
		case !dash && sb.Len() > 0:
			sb.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimLeft(sb.String(), "._-")
	if len(s) > 63 {
		s = s[:63]
	}
	s = strings.TrimRight(s, "-")
	if s == "" {
		return "platform"
	}
	return s
}
