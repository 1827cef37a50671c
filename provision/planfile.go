package provision

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A saved plan (plan --out) is the Plan as JSON, marked with planFileKind
// so that any other file is recognised as not a plan, and sealed with a
// checksum so that an edited or damaged file is refused rather than applied
// as edited. Before and After are decoded back into the kind's attribute
// struct by the change's Type.
//
// The file is one JSON object: {"kind": "eksctl-lite plan", "checksum":
// "sha256:<hex>", "format_version": ..., "resource_changes": [...], ...}.
// The checksum is the SHA-256 of the canonical payload: that object
// without its "checksum" member, its top-level members sorted by name,
// without insignificant whitespace (nested objects keep their order).
// Re-indenting the file keeps it valid; changing, adding or removing any
// value does not. It detects edits and damage; it is not a signature.

const planFileKind = "eksctl-lite plan"

// checksumPrefix names the hash of the checksum, so another can follow.
const checksumPrefix = "sha256:"

type planFileHeader struct {
	Kind          string  `json:"kind"`
	FormatVersion string  `json:"format_version"`
	Checksum      *string `json:"checksum"`
}

// WritePlanFile saves p to path (readable by its owner only: plans show
// the configuration in full).
func WritePlanFile(path string, p *Plan) error {
	payload, err := json.Marshal(struct {
		Kind string `json:"kind"`
		*Plan
	}{planFileKind, p})
	if err != nil {
		return fmt.Errorf("encoding the plan: %w", err)
	}
	sum, err := fileChecksum(payload)
	if err != nil {
		return fmt.Errorf("encoding the plan: %w", err)
	}
	b, err := json.MarshalIndent(struct {
		Kind     string `json:"kind"`
		Checksum string `json:"checksum"`
		*Plan
	}{planFileKind, sum, p}, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the plan: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".eksctl-lite-plan-*")
	if err != nil {
		return fmt.Errorf("saving the plan to %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the plan to %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the plan to %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving the plan to %s: %w", path, err)
	}
	return nil
}

// CheckPlanFileWritable reports, without leaving anything behind, whether
// WritePlanFile could save a plan to path: that its directory exists and
// takes new files, and that path is not a directory. plan --out asks
// before reading AWS, so that a plan that took minutes is not lost.
func CheckPlanFileWritable(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a directory; give a file name, e.g. %s", path, filepath.Join(path, "demo.plan"))
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot save the plan to %s: the directory %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("cannot save the plan to %s: cannot read the directory %s (%s)", path, dir, reason(err))
	case !st.IsDir():
		return fmt.Errorf("cannot save the plan to %s: %s is not a directory", path, dir)
	}
	tmp, err := os.CreateTemp(dir, ".eksctl-lite-plan-*")
	if err != nil {
		return fmt.Errorf("cannot save the plan to %s: cannot create files in %s (%s)", path, dir, reason(err))
	}
	tmp.Close()
	os.Remove(tmp.Name())
	return nil
}

// reason is the operating system's word for why a file operation failed,
// without Go's "open <path>:" in front.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ErrNotPlanFile is returned (wrapped) by ReadPlanFile for a file that is
// not a saved plan, so that apply can tell a plan file from a directory of
// configuration.
var ErrNotPlanFile = errors.New("not an eksctl-lite plan file")

// ErrPlanFileModified is returned (wrapped) by ReadPlanFile for a plan file
// whose content does not match its checksum: edited, or damaged.
var ErrPlanFileModified = errors.New("the plan file was modified or is corrupt")

// ReadPlanFile loads a plan saved by WritePlanFile, refusing one whose
// content does not match its checksum.
func ReadPlanFile(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading plan file: %w", err)
	}
	var h planFileHeader
	if err := json.Unmarshal(b, &h); err != nil || h.Kind != planFileKind {
		if err != nil && looksLikePlanFile(b) {
			return nil, fmt.Errorf("%s: %w (it is not valid JSON: %v); make the plan again with eksctl-lite plan --out FILE", path, ErrPlanFileModified, err)
		}
		return nil, fmt.Errorf("%s: %w (save one with: eksctl-lite plan --out FILE)", path, ErrNotPlanFile)
	}
	if major(h.FormatVersion) != major(FormatVersion) {
		return nil, fmt.Errorf("%s was saved in plan format %s, which this eksctl-lite (format %s) cannot read; make the plan again with this version", path, h.FormatVersion, FormatVersion)
	}
	if h.Checksum == nil {
		return nil, fmt.Errorf("%s: %w (it has no checksum: it was saved by an eksctl-lite older than this one, or the checksum was removed); make the plan again with eksctl-lite plan --out FILE", path, ErrPlanFileModified)
	}
	want, err := fileChecksum(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (%v); make the plan again with eksctl-lite plan --out FILE", path, ErrPlanFileModified, err)
	}
	if *h.Checksum != want {
		return nil, fmt.Errorf("%s: %w (its content does not match its checksum); a saved plan is applied exactly as it was made: make the plan again with eksctl-lite plan --out FILE", path, ErrPlanFileModified)
	}
	var raw struct {
		Plan
		Changes []*rawChange `json:"resource_changes"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s is a damaged plan file: %w", path, err)
	}
	p := raw.Plan
	p.Changes = nil
	for _, rc := range raw.Changes {
		ch := rc.ResourceChange
		if ch.Before, err = decodeAttrs(ch.Type, rc.Before); err != nil {
			return nil, fmt.Errorf("%s is a damaged plan file: %s: %w", path, ch.Address, err)
		}
		if ch.After, err = decodeAttrs(ch.Type, rc.After); err != nil {
			return nil, fmt.Errorf("%s is a damaged plan file: %s: %w", path, ch.Address, err)
		}
		p.Changes = append(p.Changes, &ch)
	}
	return &p, nil
}

// looksLikePlanFile reports whether b, which is not valid JSON, starts the
// way WritePlanFile starts a plan file: a truncated or damaged plan, not
// some other file.
func looksLikePlanFile(b []byte) bool {
	head := b[:min(len(b), 200)]
	var compact bytes.Buffer
	for _, c := range head {
		if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			compact.WriteByte(c)
		}
	}
	return bytes.HasPrefix(compact.Bytes(), []byte(`{"kind":"`+strings.ReplaceAll(planFileKind, " ", "")+`"`))
}

// fileChecksum is the checksum of a plan file's content b (or of the
// payload alone): of the object b without its "checksum" member.
func fileChecksum(b []byte) (string, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return "", err
	}
	delete(members, "checksum")
	return membersChecksum(members)
}

// membersChecksum hashes the canonical form of an object's members:
// encoding/json writes a map's keys sorted and a RawMessage compacted.
func membersChecksum(members map[string]json.RawMessage) (string, error) {
	canonical, err := json.Marshal(members)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(canonical)
	return checksumPrefix + hex.EncodeToString(sum[:]), nil
}

type rawChange struct {
	ResourceChange
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// decodeAttrs decodes one side of a change into its kind's attribute struct;
// JSON null is a nil interface.
func decodeAttrs(t Type, raw json.RawMessage) (any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	k, err := kindOf(t)
	if err != nil {
		return nil, err
	}
	v := k.newAttrs()
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	return v, nil
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}
