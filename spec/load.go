package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// Load reads the configuration named by opts, decodes it, applies defaults
// and validates it. All problems are returned together as diagnostics; the
// returned Config is never nil and its Files hold every parsed source (also
// when there are errors) so the caller can print the diagnostics with
// WriteDiagnostics. When the diagnostics have errors, Config.Clusters is
// incomplete and must not be planned from.
func Load(opts LoadOptions) (*Config, hcl.Diagnostics) {
	srcs, diags := readSources(opts.Paths)
	cfg, more := loadSources(srcs, opts.Vars, opts.Environ)
	return cfg, append(diags, more...)
}

// source is one configuration file's name and content.
type source struct {
	name string
	src  []byte
}

// readSources reads the configuration files named by paths: a directory
// means every *.hcl in it (not recursive, dot files skipped), a file is read
// whatever its name. Files are returned in a stable order: directory entries
// sorted by name, paths in the order given, each file once.
func readSources(paths []string) ([]source, hcl.Diagnostics) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var (
		srcs  []source
		diags hcl.Diagnostics
		seen  = map[string]bool{}
	)
	add := func(name string) {
		clean := filepath.Clean(name)
		if seen[clean] {
			return
		}
		seen[clean] = true
		b, err := os.ReadFile(name)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read configuration file",
				Detail:   fmt.Sprintf("Reading %s failed: %s.", name, err),
			})
			return
		}
		srcs = append(srcs, source{name: name, src: b})
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read configuration",
				Detail:   fmt.Sprintf("%s. Give a directory of *.hcl files or the files themselves.", err),
			})
			continue
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		names, err := ConfigFiles(p)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read configuration directory",
				Detail:   fmt.Sprintf("Listing %s failed: %s.", p, err),
			})
			continue
		}
		if len(names) == 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "No configuration files",
				Detail:   fmt.Sprintf("The directory %s holds no *.hcl files. Give the directory that holds your cluster spec, or the files themselves.", p),
			})
		}
		for _, n := range names {
			add(n)
		}
	}
	return srcs, diags
}

// ConfigFiles lists the configuration files of a directory: every regular
// *.hcl file directly in it whose name does not start with a dot, sorted.
// fmt uses the same rule, so both commands see the same files.
func ConfigFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".hcl") {
			continue
		}
		names = append(names, filepath.Join(dir, name))
	}
	sort.Strings(names)
	return names, nil
}

// rawFile is the top level of one configuration file.
type rawFile struct {
	Variables []*rawVariable              `hcl:"variable,block"`
	Locals    []*rawLocals                `hcl:"locals,block"`
	Clusters  []*rawClusterBlock          `hcl:"cluster,block"`
	Connected []*rawConnectedClusterBlock `hcl:"connected_cluster,block"`
	Settings  []*rawSettingsBlock         `hcl:"settings,block"`
}

// rawClusterBlock is a cluster block before its body is decoded: the body
// needs the evaluation context, which needs every variable and local first.
type rawClusterBlock struct {
	Name      string    `hcl:"name,label"`
	Body      hcl.Body  `hcl:",remain"`
	DefRange  hcl.Range `hcl:",def_range"`
	NameRange hcl.Range `hcl:"name,label_range"`
}

// loader holds the state of one Load.
type loader struct {
	parser *hclparse.Parser
	diags  hcl.Diagnostics
	vars   *variables
	ctx    *hcl.EvalContext
	// poison are the ranges of expressions that depend on a variable or
	// local already reported as broken; further diagnostics inside them
	// are consequences, not news, and are dropped.
	poison []hcl.Range
	// attrNames maps the range of each attribute's expression to the
	// attribute's name, to word type errors from gohcl.
	attrNames map[hcl.Range]string
	// decodeErrs are the ranges of values gohcl could not decode; rule
	// checks about the same values would only repeat the news.
	decodeErrs []hcl.Range
	// roleNames are the IAM role names of the managed roles seen so far
	// (irsa, pod_identity, an add-on's pod_identity), across clusters, with
	// the block that declared each; in lower case, as IAM ignores case in
	// role names (see claimRoleName).
	roleNames map[string]roleOwner
	// irsaBodies maps each built IRSA back to its block body, for ranges.
	irsaBodies map[*IRSA]hcl.Body
	// podIdentityBodies does the same for each built PodIdentity.
	podIdentityBodies map[*PodIdentity]hcl.Body
	// fileOrder lists the files parsed, in order.
	fileOrder []string
	// nulls caches which expressions evaluate to null (see nullBody).
	nulls map[hcl.Range]bool
	// varFileFailed is set when a --var-file could not be parsed: the
	// variables it would have set are then not reported as missing.
	varFileFailed bool
}

// loadSources is Load after the files have been read; the fuzz test calls
// it directly.
func loadSources(srcs []source, vars []VarArg, environ []string) (*Config, hcl.Diagnostics) {
	l := &loader{
		parser:     hclparse.NewParser(),
		attrNames:  map[hcl.Range]string{},
		roleNames:  map[string]roleOwner{},
		irsaBodies: map[*IRSA]hcl.Body{},

		podIdentityBodies: map[*PodIdentity]hcl.Body{},
	}
	cfg := &Config{}
	defer func() { cfg.Files = l.parser.Files() }()

	var files []*hcl.File
	for _, s := range srcs {
		l.fileOrder = append(l.fileOrder, s.name)
		if d := notText(s.name, s.src, "configuration file",
			"If it is not configuration, move it out of the directory or rename it so that its name does not end in .hcl; if it is, save it as UTF-8."); d != nil {
			l.diags = append(l.diags, d)
			continue
		}
		f, diags := l.parser.ParseHCL(s.src, s.name)
		l.diags = append(l.diags, diags...)
		if f != nil {
			files = append(files, f)
		}
	}
	// Syntax errors come alone: what follows them would be guesswork.
	if l.diags.HasErrors() {
		return cfg, l.diags
	}

	var (
		varBlocks   []*rawVariable
		localBlocks []*rawLocals
		clusters    []*rawClusterBlock
		connected   []*rawConnectedClusterBlock
		settings    []*rawSettingsBlock
	)
	for _, f := range files {
		var rf rawFile
		l.diags = append(l.diags, gohcl.DecodeBody(f.Body, nil, &rf)...)
		varBlocks = append(varBlocks, rf.Variables...)
		localBlocks = append(localBlocks, rf.Locals...)
		clusters = append(clusters, rf.Clusters...)
		connected = append(connected, rf.Connected...)
		settings = append(settings, rf.Settings...)
		l.indexAttributes(f.Body)
	}

	l.vars = l.declareVariables(varBlocks)
	l.setVariables(vars, environ)
	locals := l.collectLocals(localBlocks)
	var bodies []hcl.Body
	for _, lb := range localBlocks {
		bodies = append(bodies, lb.Body)
	}
	for _, cb := range clusters {
		bodies = append(bodies, cb.Body)
	}
	for _, cb := range connected {
		bodies = append(bodies, cb.Body)
	}
	for _, sb := range settings {
		bodies = append(bodies, sb.Body)
	}
	l.checkReferences(bodies, locals)

	// Everything from here on may be a consequence of a broken variable or
	// local already reported; clean drops those.
	before := len(l.diags)
	l.ctx = l.evalContext(locals)
	l.poisonRanges(bodies, locals)
	dir, first := "", ""
	if len(srcs) > 0 {
		dir, first = configDir(srcs[0].name), srcs[0].name
	}
	l.buildSettings(cfg, settings, dir, first)
	raws := l.decodeClusters(clusters)
	rawConnected := l.decodeConnectedClusters(connected)
	for _, d := range l.diags[before:] {
		if d.Severity == hcl.DiagError && d.Subject != nil {
			l.decodeErrs = append(l.decodeErrs, *d.Subject)
			if d.Context != nil {
				l.decodeErrs = append(l.decodeErrs, *d.Context)
			}
		}
	}
	decoded := len(l.diags)
	applyDefaults(raws)
	cfg.Clusters = l.buildClusters(raws)
	cfg.ConnectedClusters = l.buildConnectedClusters(connected, rawConnected, cfg.Clusters)
	later := l.diags[before:]
	l.diags = append(l.diags[:before:before], l.clean(later, decoded-before)...)

	if len(clusters) == 0 && len(connected) == 0 && len(srcs) > 0 && !l.diags.HasErrors() {
		// There is no block to point at: point at the start of the first
		// file, and name every file read, so the user knows where we looked.
		// (A directory with no *.hcl files at all is reported by
		// readSources, naming the directory.)
		var names []string
		for _, s := range srcs {
			names = append(names, s.name)
		}
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No cluster in the configuration",
			Detail:   fmt.Sprintf(`No cluster block in %s. Add at least one block such as cluster "demo" { vpc { subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"] } }.`, strings.Join(names, ", ")),
			Subject: &hcl.Range{
				Filename: srcs[0].name,
				Start:    hcl.InitialPos,
				End:      hcl.InitialPos,
			},
		})
	}
	l.sortDiagnostics()
	return cfg, l.diags
}

// sortDiagnostics orders the diagnostics for reading: those about no place
// in the sources first (flags, files that cannot be read) in the order they
// were found, then the others by file, in the order the files were read
// (configuration, then variables files), and position. The decoder visits
// attributes in map order; sorting also makes the output stable.
func (l *loader) sortDiagnostics() {
	order := map[string]int{}
	for i, name := range l.fileOrder {
		order[name] = i
	}
	sort.SliceStable(l.diags, func(i, j int) bool {
		a, b := l.diags[i].Subject, l.diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		case a.Filename != b.Filename:
			oa, oka := order[a.Filename]
			ob, okb := order[b.Filename]
			if oka != okb {
				return oka
			}
			if oa != ob {
				return oa < ob
			}
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
}

// usable reports whether attribute name of body is set and its value was
// decoded without error, so that rules relating it to other attributes
// can trust it.
func (l *loader) usable(body hcl.Body, name string) bool {
	a := attribute(body, name)
	if a == nil {
		return false
	}
	r := a.Expr.Range()
	return !within(r, l.poison) && !within(r, l.decodeErrs)
}

// trusted reports whether attribute name of body is left to its default or
// was decoded without error.
func (l *loader) trusted(body hcl.Body, name string) bool {
	return !has(body, name) || l.usable(body, name)
}

// errorf records an error diagnostic.
func (l *loader) errorf(subject *hcl.Range, summary, detail string, args ...any) {
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detail, args...),
		Subject:  subject,
	})
}

// warnf records a warning diagnostic.
func (l *loader) warnf(subject *hcl.Range, summary, detail string, args ...any) {
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  summary,
		Detail:   fmt.Sprintf(detail, args...),
		Subject:  subject,
	})
}

// clean drops diagnostics that are consequences of an earlier one (inside
// a poisoned expression) and rewords gohcl's type errors so that they name
// the attribute.
//
// Diagnostics from index checked on come from rule checks, after decoding;
// those about a value that failed to decode are dropped too.
func (l *loader) clean(diags hcl.Diagnostics, checked int) hcl.Diagnostics {
	var out hcl.Diagnostics
	for i, d := range diags {
		if d.Subject != nil && within(*d.Subject, l.poison) {
			continue
		}
		if i >= checked && d.Subject != nil && within(*d.Subject, l.decodeErrs) {
			continue
		}
		if d.Summary == "Unsuitable value type" && d.Context != nil {
			if explained(d, diags[:i]) {
				continue // the expression's own error says it all
			}
			if name, ok := l.attrNames[*d.Context]; ok {
				d.Summary = "Incorrect attribute value type"
				d.Detail = fmt.Sprintf("Inappropriate value for attribute %q: %s.",
					name, strings.TrimPrefix(d.Detail, "Unsuitable value: "))
				d.Subject = d.Context
			}
		}
		out = append(out, d)
	}
	return out
}

// explained reports whether an earlier error lies inside d's expression:
// the decoder reports a failed evaluation and then that its unknown result
// does not fit.
func explained(d *hcl.Diagnostic, earlier hcl.Diagnostics) bool {
	for _, o := range earlier {
		if o.Severity == hcl.DiagError && o.Subject != nil && o.Summary != d.Summary &&
			within(*o.Subject, []hcl.Range{*d.Context}) {
			return true
		}
	}
	return false
}

// within reports whether r lies inside one of ranges.
func within(r hcl.Range, ranges []hcl.Range) bool {
	for _, p := range ranges {
		if p.Filename == r.Filename && p.Start.Byte <= r.Start.Byte && r.End.Byte <= p.End.Byte {
			return true
		}
	}
	return false
}

// notText returns an error when src is not UTF-8 text: it holds a NUL byte
// or an invalid UTF-8 sequence. The HCL parser would report every byte it
// cannot read, hundreds of lines for an image or a binary; one error that
// names the file and its first bad byte says it better. The diagnostic
// points at that byte, without a source snippet (the file is not parsed).
func notText(name string, src []byte, kind, advice string) *hcl.Diagnostic {
	pos := hcl.InitialPos
	problem := ""
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == 0:
			problem = "a NUL byte"
		case r == utf8.RuneError && size == 1:
			problem = fmt.Sprintf("the byte 0x%02x, which is not valid UTF-8", src[i])
		}
		if problem != "" {
			pos.Byte = i
			break
		}
		if r == '\n' {
			pos.Line++
			pos.Column = 1
		} else {
			pos.Column++
		}
		i += size
	}
	if problem == "" {
		return nil
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Not a text file",
		Detail: fmt.Sprintf("The %s %s is not a text file: at line %d, column %d, it holds %s. eksctl-lite reads HCL as UTF-8 text. %s",
			kind, name, pos.Line, pos.Column, problem, advice),
		Subject: &hcl.Range{Filename: name, Start: pos, End: pos},
	}
}
