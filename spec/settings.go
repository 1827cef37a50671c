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
// configuration rather than of one cluster.
type rawSettings struct {
	Name *string  `hcl:"name,optional"`
	Lock *rawLock `hcl:"lock,block"`
	Body hcl.Body `hcl:",body"`
}

// rawLock is the settings block's `lock` block: where apply and destroy
// keep their locks when not in SSM Parameter Store.
type rawLock struct {
	S3Bucket *string   `hcl:"s3_bucket,optional"`
	S3Prefix *string   `hcl:"s3_prefix,optional"`
	S3Region *string   `hcl:"s3_region,optional"`
	Body     hcl.Body  `hcl:",body"`
	DefRange hcl.Range `hcl:",def_range"`
}

// s3BucketRE is an S3 general purpose bucket name (S3 User Guide, "Bucket
// naming rules"): 3 to 63 lowercase letters, digits, '.' and '-', starting
// and ending with a letter or digit.
var s3BucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// buildLock validates the lock block; nil when there is none (the
// default: SSM parameters).
func (l *loader) buildLock(r *rawLock) *Lock {
	if r == nil || r.Body == nil {
		return nil
	}
	lk := &Lock{DeclRange: r.DefRange}
	if r.S3Bucket != nil {
		lk.S3Bucket = *r.S3Bucket
	}
	if r.S3Prefix != nil {
		lk.S3Prefix = *r.S3Prefix
	}
	if r.S3Region != nil {
		lk.S3Region = *r.S3Region
	}
	switch {
	case !has(r.Body, "s3_bucket"):
		l.errorf(r.DefRange.Ptr(), "Lock without a bucket",
			"The lock block names no s3_bucket. Give the S3 bucket that holds the locks (s3_bucket = \"acme-eksctl-lite-locks\"), or remove the block to keep the locks in SSM Parameter Store, the default.")
	case l.usable(r.Body, "s3_bucket") && !s3BucketRE.MatchString(lk.S3Bucket):
		l.errorf(at(r.Body, "s3_bucket", r.DefRange), "Invalid S3 bucket name",
			"%q is not an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit.", lk.S3Bucket)
	}
	if strings.HasPrefix(lk.S3Prefix, "/") {
		l.errorf(at(r.Body, "s3_prefix", r.DefRange), "Invalid S3 prefix",
			"s3_prefix %q starts with \"/\", which S3 keeps as part of the key. Write it without the leading slash, e.g. \"locks/\".", lk.S3Prefix)
	}
	if lk.S3Region != "" {
		l.checkPattern(regionRE, lk.S3Region, at(r.Body, "s3_region", r.DefRange), "Invalid region",
			"%q is not an AWS region name such as \"us-east-1\". Leave s3_region out to use the region of the AWS configuration.", lk.S3Region)
	}
	return lk
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
	cfg.Lock = l.buildLock(rs.Lock)
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
