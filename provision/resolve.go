package provision

// This file fills in values that were KnownAfterApply at plan time: just
// before a change calls AWS, every attribute its Refs name is set from the
// upstream resource's live attributes, which apply recorded when that
// upstream finished (created, updated, or found unchanged: then the plan's
// Before).

import (
	"fmt"
	"reflect"
	"strings"
)

// resolve sets each attribute of after (a *XxxAttrs) named in c.Refs.
func (e *executor) resolve(c *ResourceChange, after any) error {
	for _, path := range sortedKeys(c.Refs) {
		up := c.Refs[path]
		live, ok := e.liveOf(up)
		if !ok {
			return fmt.Errorf("%s needs the live attributes of %s, which this apply has not seen: run eksctl-lite plan again", path, up)
		}
		value, err := refValue(path, after, live)
		if err != nil {
			return fmt.Errorf("resolving %s from %s: %w", path, up, err)
		}
		if value == "" || value == KnownAfterApply {
			return fmt.Errorf("%s: %s has no value for it yet; re-run eksctl-lite apply", path, up)
		}
		if err := setAttr(after, path, value); err != nil {
			return err
		}
	}
	return nil
}

// refValue is the value an upstream's live attributes give the attribute
// path of after:
//   - a role gives its ARN (role_arn, node_role_arn, pod_execution_role_arn);
//   - a cluster gives its OIDC issuer URL (an OIDC provider's url), or its
//     ARN to an attribute whose name ends in arn;
//   - an OIDC provider gives an irsa role's whole trust policy, rebuilt from
//     the provider's ARN and URL and the role's service account, or its ARN.
func refValue(path string, after, live any) (string, error) {
	if r, ok := live.(referencedAttrs); ok {
		return r.refValue(path, after)
	}
	return "", fmt.Errorf("cannot take a value from %T", live)
}

// refSetter is an attribute struct that sets values known after apply
// that are not top-level string attributes (the role of one of an
// add-on's Pod Identity associations); setRef reports whether it knew path.
type refSetter interface {
	setRef(path, value string) bool
}

// setAttr sets the string attribute with JSON name path of attrs (a
// pointer to an attribute struct).
func setAttr(attrs any, path, value string) error {
	if r, ok := attrs.(refSetter); ok && r.setRef(path, value) {
		return nil
	}
	v := reflect.ValueOf(attrs)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("cannot set %s on %T", path, attrs)
	}
	v = v.Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if tag != path {
			continue
		}
		f := v.Field(i)
		if f.Kind() != reflect.String {
			return fmt.Errorf("attribute %s of %s is not a string and cannot be known after apply", path, t.Name())
		}
		f.SetString(value)
		return nil
	}
	return fmt.Errorf("%s has no attribute %s", t.Name(), path)
}
