package provision

import (
	"sort"
	"time"
)

// Outputs: what the next step of a pipeline needs from each cluster of a
// configuration, as it is live (the `output` command): read from a plan's
// live objects (every change's Before), so it costs one plan's reads and
// nothing else.

// ClusterOutput is what a live cluster, or connected cluster, has.
type ClusterOutput struct {
	Cluster string `json:"cluster"`
	Region  string `json:"region"`
	// Kind is "cluster" or "connected_cluster".
	Kind string `json:"kind"`
	// Exists is false for a block whose cluster apply has not made yet.
	Exists                 bool   `json:"exists"`
	ARN                    string `json:"arn,omitempty"`
	Status                 string `json:"status,omitempty"`
	Version                string `json:"version,omitempty"`
	Endpoint               string `json:"endpoint,omitempty"`
	CertificateAuthority   string `json:"certificate_authority_data,omitempty"`
	OIDCIssuer             string `json:"oidc_issuer,omitempty"`
	OIDCProviderARN        string `json:"oidc_provider_arn,omitempty"`
	ClusterSecurityGroupID string `json:"cluster_security_group_id,omitempty"`
	// Roles are the ARNs of the IAM roles eksctl-lite manages for the
	// cluster, by address.
	Roles map[string]string `json:"roles"`
	// Addons are the add-ons' versions, by name.
	Addons map[string]string `json:"addons"`
	// A connected cluster's activation (its code only when asked for:
	// it is a secret).
	ActivationID     string     `json:"activation_id,omitempty"`
	ActivationExpiry *time.Time `json:"activation_expiry,omitempty"`
	ActivationCode   string     `json:"activation_code,omitempty"`
}

// Outputs are the clusters of p, with what their live objects say, sorted
// by region and name.
func Outputs(p *Plan) []*ClusterOutput {
	by := map[LockKey]*ClusterOutput{}
	get := func(ch *ResourceChange) *ClusterOutput {
		k := LockKey{Region: ch.Region, Cluster: ch.Cluster}
		o := by[k]
		if o == nil {
			o = &ClusterOutput{Cluster: ch.Cluster, Region: ch.Region, Kind: "cluster", Roles: map[string]string{}, Addons: map[string]string{}}
			by[k] = o
		}
		return o
	}
	for _, ch := range p.Changes {
		o := get(ch)
		switch b := ch.Before.(type) {
		case *ClusterAttrs:
			if b == nil {
				continue
			}
			o.Exists, o.ARN, o.Status, o.Version = true, b.ARN, b.Status, b.Version
			o.Endpoint, o.CertificateAuthority, o.OIDCIssuer, o.ClusterSecurityGroupID = b.Endpoint, b.CertificateAuthority, b.OIDCIssuer, b.ClusterSecurityGroupID
		case *ConnectedClusterAttrs:
			o.Kind = "connected_cluster"
			if b == nil || b.EKSCluster {
				continue
			}
			o.Exists, o.ARN, o.Status = true, b.ARN, b.Status
			o.ActivationID, o.ActivationExpiry = b.ActivationID, b.ActivationExpiry
		case *RoleAttrs:
			if b != nil && ch.Action != Delete {
				o.Roles[ch.Address] = b.ARN
			}
		case *OIDCProviderAttrs:
			if b != nil && ch.Action != Delete {
				o.OIDCProviderARN = b.ARN
			}
		case *AddonAttrs:
			if b != nil && ch.Action != Delete {
				o.Addons[b.Name] = b.Version
			}
		}
		if ch.Type == TypeConnectedCluster {
			o.Kind = "connected_cluster"
		}
	}
	var out []*ClusterOutput
	for _, o := range by {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Region != out[j].Region {
			return out[i].Region < out[j].Region
		}
		return out[i].Cluster < out[j].Cluster
	})
	return out
}
