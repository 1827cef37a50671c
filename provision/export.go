package provision

// Export: the HCL that describes a live cluster, so that a cluster made
// by other means (the console, eksctl, the SDK) can be brought in: export
// it, then plan --adopt shows only the ownership tags being added.
//
// What is written is what the live objects have, every attribute the
// plan would otherwise compare against a default: the cluster's role and
// VPC, its logging and encryption; its managed node groups (without a
// launch template: one EKS does not own is not a launch_template block
// eksctl-lite could manage), Fargate profiles and add-ons (without Pod
// Identity associations), each with its explicit roles. What the plan
// leaves alone when a block omits it (the Kubernetes version, the
// authentication mode, the upgrade policy, Auto Mode, a node group's
// desired size and AMI release) is left out, so that nothing can differ.
// What export cannot write is named in comments.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Export returns the HCL of cluster name in region ("" for the default),
// formatted as fmt formats it.
func Export(ctx context.Context, clients ClientsFactory, region, name string, now time.Time) ([]byte, error) {
	c, region, err := resolveRegion(clients, region)
	if err != nil {
		return nil, err
	}
	lc, err := newObserver(0).observeCluster(ctx, c, name, nil, clusterRoot)
	if err != nil {
		return nil, err
	}
	if lc.cluster == nil {
		return nil, fmt.Errorf("there is no EKS cluster %q in %s", name, region)
	}
	cl := lc.cluster
	f := hclwrite.NewEmptyFile()
	root := f.Body()
	root.AppendUnstructuredTokens(comment(fmt.Sprintf("Exported by eksctl-lite export from EKS cluster %q in %s on %s.", name, region, now.UTC().Format("2006-01-02"))))
	root.AppendUnstructuredTokens(comment("Review it, then run: eksctl-lite plan --adopt (it should show only the ownership tags being added)."))
	b := root.AppendNewBlock("cluster", []string{name}).Body()
	b.SetAttributeValue("region", cty.StringVal(region))
	b.SetAttributeValue("role_arn", cty.StringVal(cl.RoleARN))
	if t := userTags(cl.Tags); len(t) > 0 {
		b.SetAttributeValue("tags", stringMap(t))
	}
	b.AppendNewline()
	v := b.AppendNewBlock("vpc", nil).Body()
	v.SetAttributeValue("subnet_ids", stringList(cl.SubnetIDs))
	if len(cl.SecurityGroupIDs) > 0 {
		v.SetAttributeValue("security_group_ids", stringList(cl.SecurityGroupIDs))
	}
	v.SetAttributeValue("endpoint_public_access", cty.BoolVal(cl.EndpointPublicAccess))
	v.SetAttributeValue("endpoint_private_access", cty.BoolVal(cl.EndpointPrivateAccess))
	if len(cl.PublicAccessCIDRs) > 0 && cl.EndpointPublicAccess {
		v.SetAttributeValue("public_access_cidrs", stringList(cl.PublicAccessCIDRs))
	}
	if len(cl.Logging) > 0 {
		b.AppendNewBlock("logging", nil).Body().SetAttributeValue("types", stringList(cl.Logging))
	}
	if cl.KMSKeyARN != "" {
		b.AppendNewBlock("encryption", nil).Body().SetAttributeValue("kms_key_arn", cty.StringVal(cl.KMSKeyARN))
	}
	for _, ng := range lc.nodeGroups() {
		b.AppendNewline()
		if ng.LaunchTemplateName != "" {
			b.AppendUnstructuredTokens(comment(fmt.Sprintf("Node group %q launches from launch template %q, which export does not write: not exported.", ng.Name, ng.LaunchTemplateName)))
			continue
		}
		exportNodeGroup(b.AppendNewBlock("node_group", []string{ng.Name}).Body(), ng, cl)
	}
	for _, fp := range lc.fargate() {
		b.AppendNewline()
		p := b.AppendNewBlock("fargate_profile", []string{fp.Name}).Body()
		p.SetAttributeValue("subnet_ids", stringList(fp.SubnetIDs))
		p.SetAttributeValue("pod_execution_role_arn", cty.StringVal(fp.PodExecutionRoleARN))
		for _, s := range fp.Selectors {
			sb := p.AppendNewBlock("selector", nil).Body()
			sb.SetAttributeValue("namespace", cty.StringVal(s.Namespace))
			if len(s.Labels) > 0 {
				sb.SetAttributeValue("labels", stringMap(s.Labels))
			}
		}
		if t := userTags(fp.Tags); len(t) > 0 {
			p.SetAttributeValue("tags", stringMap(t))
		}
	}
	for _, a := range lc.addons() {
		b.AppendNewline()
		if len(a.PodIdentities) > 0 {
			b.AppendUnstructuredTokens(comment(fmt.Sprintf("Add-on %q has Pod Identity associations, which export does not write: not exported.", a.Name)))
			continue
		}
		ab := b.AppendNewBlock("addon", []string{a.Name}).Body()
		ab.SetAttributeValue("version", cty.StringVal(a.Version))
		if a.ServiceAccountRoleARN != "" {
			ab.SetAttributeValue("service_account_role_arn", cty.StringVal(a.ServiceAccountRoleARN))
		}
		if a.ConfigurationValues != "" {
			ab.SetAttributeValue("configuration_values", cty.StringVal(a.ConfigurationValues))
		}
		if t := userTags(a.Tags); len(t) > 0 {
			ab.SetAttributeValue("tags", stringMap(t))
		}
	}
	return hclwrite.Format(f.Bytes()), nil
}

func exportNodeGroup(b *hclwrite.Body, ng *NodeGroupAttrs, cl *ClusterAttrs) {
	b.SetAttributeValue("instance_types", stringList(ng.InstanceTypes))
	b.SetAttributeValue("ami_type", cty.StringVal(ng.AMIType))
	b.SetAttributeValue("capacity_type", cty.StringVal(ng.CapacityType))
	if ng.DiskSize > 0 {
		b.SetAttributeValue("disk_size", cty.NumberIntVal(int64(ng.DiskSize)))
	}
	b.SetAttributeValue("subnet_ids", stringList(ng.SubnetIDs))
	b.SetAttributeValue("node_role_arn", cty.StringVal(ng.NodeRoleARN))
	if ng.Version != "" && ng.Version != cl.Version {
		b.SetAttributeValue("version", cty.StringVal(ng.Version))
	}
	if len(ng.Labels) > 0 {
		b.SetAttributeValue("labels", stringMap(ng.Labels))
	}
	if t := userTags(ng.Tags); len(t) > 0 {
		b.SetAttributeValue("tags", stringMap(t))
	}
	s := b.AppendNewBlock("scaling", nil).Body()
	s.SetAttributeValue("min_size", cty.NumberIntVal(int64(ng.MinSize)))
	s.SetAttributeValue("max_size", cty.NumberIntVal(int64(ng.MaxSize)))
	if ng.MaxUnavailable != nil || ng.MaxUnavailablePercentage != nil {
		u := b.AppendNewBlock("update", nil).Body()
		if ng.MaxUnavailable != nil {
			u.SetAttributeValue("max_unavailable", cty.NumberIntVal(int64(*ng.MaxUnavailable)))
		} else {
			u.SetAttributeValue("max_unavailable_percentage", cty.NumberIntVal(int64(*ng.MaxUnavailablePercentage)))
		}
	}
	for _, t := range ng.Taints {
		tb := b.AppendNewBlock("taint", nil).Body()
		tb.SetAttributeValue("key", cty.StringVal(t.Key))
		if t.Value != "" {
			tb.SetAttributeValue("value", cty.StringVal(t.Value))
		}
		tb.SetAttributeValue("effect", cty.StringVal(t.Effect))
	}
}

// userTags are the tags a block writes: all but eksctl-lite's own and
// AWS's (aws:...), which nobody may set.
func userTags(tags map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range tags {
		if strings.HasPrefix(k, "eksctl-lite/") || strings.HasPrefix(k, "aws:") {
			continue
		}
		out[k] = v
	}
	return out
}

func stringList(l []string) cty.Value {
	if len(l) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(l))
	for i, s := range l {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}

func stringMap(m map[string]string) cty.Value {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := map[string]cty.Value{}
	for _, k := range keys {
		vals[k] = cty.StringVal(m[k])
	}
	return cty.MapVal(vals)
}

func comment(text string) hclwrite.Tokens {
	return hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# " + text + "\n")}}
}
