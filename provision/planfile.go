package provision

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A saved plan (plan --out) is the Plan as JSON, marked with planFileKind
// so that any other file is recognised as not a plan. Before and After are
// decoded back into the kind's attribute struct by the change's Type.

const planFileKind = "eksctl-lite plan"

type planFileHeader struct {
	Kind          string `json:"kind"`
	FormatVersion string `json:"format_version"`
}

// WritePlanFile saves p to path (readable by its owner only: plans show
// the configuration in full).
func WritePlanFile(path string, p *Plan) error {
	b, err := json.MarshalIndent(struct {
		Kind string `json:"kind"`
		*Plan
	}{planFileKind, p}, "", "  ")
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

// ErrNotPlanFile is returned (wrapped) by ReadPlanFile for a file that is
// not a saved plan, so that apply can tell a plan file from a directory of
// configuration.
var ErrNotPlanFile = errors.New("not an eksctl-lite plan file")

// ReadPlanFile loads a plan saved by WritePlanFile.
func ReadPlanFile(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading plan file: %w", err)
	}
	var h planFileHeader
	if json.Unmarshal(b, &h) != nil || h.Kind != planFileKind {
		return nil, fmt.Errorf("%s: %w (save one with: eksctl-lite plan --out FILE)", path, ErrNotPlanFile)
	}
	if major(h.FormatVersion) != major(FormatVersion) {
		return nil, fmt.Errorf("%s was saved in plan format %s, which this eksctl-lite (format %s) cannot read; make the plan again with this version", path, h.FormatVersion, FormatVersion)
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
	var v any
	switch t {
	case TypeCluster:
		v = &ClusterAttrs{}
	case TypeNodeGroup:
		v = &NodeGroupAttrs{}
	case TypeFargateProfile:
		v = &FargateProfileAttrs{}
	case TypeOIDCProvider:
		v = &OIDCProviderAttrs{}
	case TypeRole:
		v = &RoleAttrs{}
	default:
		return nil, fmt.Errorf("unknown resource type %q", t)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	return v, nil
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}
