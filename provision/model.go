package provision

// This file is the plan model: data, not behaviour. The planner builds it,
// the renderers (text, JSON) show it, plan files store it, apply executes it.

// FormatVersion is the version of the JSON plan and of saved plan files.
// It only grows compatibly: new fields may appear, none change meaning.
const FormatVersion = "1.0"

// Action is what a plan does to one resource, as in Terraform's plans.Action.
type Action string

// The actions a resource change may carry.
const (
	NoOp    Action = "no-op"
	Create  Action = "create"
	Update  Action = "update"
	Replace Action = "replace"
	Delete  Action = "delete"
	// Wait is a resource that matches the configuration but is not ACTIVE
	// (CREATING, UPDATING, DELETING, or failed): not converged, so the plan
	// has something to do. Apply waits for it and reports its failure if
	// it fails. Terraform has no such action; the JSON plan calls it
	// "no-op" in change.actions and "wait" in eksctl_lite.action.
	Wait Action = "wait"
)

// Type is a resource kind, spelled as the Terraform AWS provider's resource
// type so that policy tools written for Terraform plans can read ours.
type Type string

// The resource kinds eksctl-lite manages.
const (
	TypeCluster        Type = "aws_eks_cluster"
	TypeNodeGroup      Type = "aws_eks_node_group"
	TypeFargateProfile Type = "aws_eks_fargate_profile"
	TypeOIDCProvider   Type = "aws_iam_openid_connect_provider"
	TypeRole           Type = "aws_iam_role"
)

// Ownership tags: every resource eksctl-lite creates carries all three, and
// a live resource without TagCluster is never changed or deleted. IAM is
// global to the account, so an IAM role or OIDC provider is this cluster
// block's only when both TagCluster and TagRegion match: a cluster of the
// same name in another region is another owner.
const (
	// TagCluster holds the name of the cluster block the resource belongs to.
	TagCluster = "eksctl-lite/cluster"
	// TagAddress holds the resource's address, e.g. cluster.demo.node_group.general.
	TagAddress = "eksctl-lite/address"
	// TagRegion holds the AWS region of the cluster the resource belongs to.
	TagRegion = "eksctl-lite/region"
	// TagConfiguration holds the name of the configuration the resource
	// belongs to (settings { name }), so that a plan finds the clusters it
	// owns but no longer declares (see configuration.go).
	TagConfiguration = "eksctl-lite/configuration"
	// RolePath is the IAM path of the managed cluster role and of irsa
	// roles, so that ListRoles(PathPrefix) finds them in one paginated call.
	// The managed node and pod execution roles live at RootRolePath instead
	// (see NodeRoleName) and are read by name.
	RolePath = "/eksctl-lite/"
	// RootRolePath is the IAM path of the managed node and Fargate pod
	// execution roles: EKS maps them in the aws-auth ConfigMap, where role
	// ARNs with a path do not work (EKS User Guide, "Troubleshooting IAM").
	RootRolePath = "/"
)

// Addresses (see address.go) look like:
//
//	cluster.demo
//	cluster.demo.node_group.general
//	cluster.demo.fargate_profile.system
//	cluster.demo.irsa.s3-reader            (aws_iam_role)
//	cluster.demo.oidc_provider
//	cluster.demo.cluster_role              (aws_iam_role, managed cluster role)
//	cluster.demo.node_role                 (aws_iam_role, managed node role)
//	cluster.demo.pod_execution_role        (aws_iam_role, managed Fargate role)
//	cluster.demo.addon.vpc-cni             (aws_eks_addon)
//	cluster.demo.addon.vpc-cni.pod_identity.aws-node.role
//	                                       (aws_iam_role, managed add-on Pod Identity role)

// KnownAfterApply stands in a desired attribute whose value exists only once
// an upstream resource does: the ARN of a managed role not yet created, the
// OIDC issuer of a cluster not yet created, and values derived from them
// (an IRSA trust policy). Renderers show it as Terraform does; apply resolves
// it from the upstream resource's live attributes just before it is needed.
const KnownAfterApply = "(known after apply)"

// Plan is everything one plan run decided.
type Plan struct {
	FormatVersion string `json:"format_version"`
	// Destroy is true for plan --destroy and destroy.
	Destroy bool `json:"destroy,omitempty"`
	// Changes are sorted by address; no-ops are included so that views can
	// count them and apply can check their fingerprints.
	Changes []*ResourceChange `json:"resource_changes"`
	// InputsFingerprint hashes the configuration and variables the plan was
	// made from.
	InputsFingerprint string `json:"inputs_fingerprint,omitempty"`
	// Warnings are the warnings the plan was made with (a Pod Identity
	// association without its agent add-on, a role kept because something
	// uses it, ...), so that the JSON plan, and a policy reading it, has
	// them too.
	Warnings []PlanWarning `json:"warnings,omitempty"`
	// CostSummary adds up the changes' costs (cost.go); nil in a plan
	// made before eksctl-lite estimated costs.
	CostSummary *CostSummary `json:"cost_summary,omitempty"`
	// Instructions are what the user does after apply (instructions.go).
	Instructions []Instruction `json:"instructions,omitempty"`
	// Lock is where the plan's locks are (lock.go): nil for SSM.
	Lock *LockSettings `json:"lock,omitempty"`
}

// PlanWarning is one warning of a plan, with where in the configuration
// it points ("" and 0 when nowhere).
type PlanWarning struct {
	Summary string `json:"summary"`
	Detail  string `json:"detail,omitempty"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
}

// ResourceChange is the plan for one resource.
type ResourceChange struct {
	Address string `json:"address"`
	Type    Type   `json:"type"`
	// Cluster is the EKS cluster name the resource belongs to; Region its region.
	Cluster string `json:"cluster"`
	Region  string `json:"region"`
	Action  Action `json:"action"`
	// Before is the live resource's attributes (nil when it does not exist);
	// After the desired attributes (nil for delete). Each is the kind's
	// attribute struct, e.g. *NodeGroupAttrs.
	Before any `json:"before"`
	After  any `json:"after"`
	// Diffs lists every attribute that differs, after normalisation.
	Diffs []AttrDiff `json:"diffs,omitempty"`
	// ReplacePaths are the attributes that force replacement.
	ReplacePaths []string `json:"replace_paths,omitempty"`
	// Reason says why, for humans: "instance_types forces replacement",
	// "not in the configuration", "adopting an existing cluster".
	Reason string `json:"reason,omitempty"`
	// Steps are the AWS calls an update or replace makes, in order.
	Steps []Step `json:"steps,omitempty"`
	// DependsOn are the addresses this resource needs: they are created or
	// updated before it, and deleted only after it is gone.
	DependsOn []string `json:"depends_on,omitempty"`
	// Refs maps each attribute path of After that holds KnownAfterApply to
	// the upstream address whose live attributes provide it, e.g.
	// "node_role_arn" -> "cluster.demo.node_role". Apply fills them in just
	// before it calls AWS (see resolve.go).
	Refs map[string]string `json:"refs,omitempty"`
	// Fingerprint hashes the live resource as observed (empty when absent),
	// so that applying a saved plan can tell it has gone stale.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Cost is what the resource costs a month before and after the plan
	// (cost.go); nil for a kind that costs nothing of its own.
	Cost *Cost `json:"cost,omitempty"`
}

// AttrDiff is one attribute that differs: a dotted path such as
// "scaling.min_size" with the live and desired values.
type AttrDiff struct {
	Path   string `json:"path"`
	Before any    `json:"before"`
	After  any    `json:"after"`
	// ForcesReplacement marks attributes that cannot change in place.
	ForcesReplacement bool `json:"forces_replacement,omitempty"`
}

// Step is one AWS API call of an update, e.g. UpdateClusterVersion to 1.30.
// Apply executes a change's steps in order, computing each call's input from
// Before and After; Paths and Target say which part of them the step covers.
type Step struct {
	// Call is the AWS operation, e.g. "UpdateClusterVersion", "TagResource".
	Call string `json:"call"`
	// Detail is for humans: "1.29 -> 1.30", "endpoint access", "+ 2 tags".
	Detail string `json:"detail,omitempty"`
	// Paths are the attribute paths this call changes.
	Paths []string `json:"paths,omitempty"`
	// Target is the version a version-update step goes to, or the policy
	// ARN an Attach/DetachRolePolicy step names.
	Target string `json:"target,omitempty"`
	// NodeGroup names the node group (physical name) a step of a cluster's
	// change updates: the node group version steps a control plane upgrade
	// of several minor versions needs between its own steps (upgrade.go).
	NodeGroup string `json:"node_group,omitempty"`
	// Addon names the add-on a step of a cluster's change updates: the
	// add-on version steps that follow each control plane step of an
	// upgrade of several minor versions (upgrade.go).
	Addon string `json:"addon,omitempty"`
}

// AttrSchema says how one attribute is compared and changed.
type AttrSchema struct {
	// ForceNew means a change replaces the resource.
	ForceNew bool
	// Impossible means EKS cannot change it at all and replacing the
	// resource is not acceptable either (a cluster's role); the plan refuses.
	Impossible bool
	// Set means the list is compared as a set.
	Set bool
	// Optional means an empty desired value is "left to AWS", never a diff.
	Optional bool
}

// Schema is a kind's table of attributes, keyed by dotted path.
type Schema map[string]AttrSchema

// ClusterAttrs are an EKS cluster's attributes as planned and observed.
type ClusterAttrs struct {
	Name                  string   `json:"name"`
	ARN                   string   `json:"arn,omitempty"`
	Version               string   `json:"version"`
	RoleARN               string   `json:"role_arn"`
	SubnetIDs             []string `json:"subnet_ids"`
	SecurityGroupIDs      []string `json:"security_group_ids"`
	EndpointPublicAccess  bool     `json:"endpoint_public_access"`
	EndpointPrivateAccess bool     `json:"endpoint_private_access"`
	PublicAccessCIDRs     []string `json:"public_access_cidrs"`
	Logging               []string `json:"enabled_cluster_log_types"`
	KMSKeyARN             string   `json:"kms_key_arn"`
	// AuthenticationMode is the access block's mode: CONFIG_MAP,
	// API_AND_CONFIG_MAP or API.
	AuthenticationMode string `json:"authentication_mode"`
	// BootstrapCreatorAdmin is whether EKS gave the cluster's creator an
	// admin access entry at creation (nil: unknown, never a diff).
	BootstrapCreatorAdmin *bool `json:"bootstrap_cluster_creator_admin"`
	// UpgradePolicy is EKS's support type, STANDARD or EXTENDED; "" when
	// left to EKS at creation (then not a diff).
	UpgradePolicy string `json:"upgrade_policy"`
	// EKS Auto Mode (automode.go): computeConfig, storageConfig.blockStorage
	// and kubernetesNetworkConfig.elasticLoadBalancing, which EKS turns on
	// and off only together, so one flag; the built-in node pools, sorted;
	// the role of Auto Mode's nodes ("" for none).
	AutoModeEnabled     bool              `json:"auto_mode.enabled"`
	AutoModeNodePools   []string          `json:"auto_mode.node_pools"`
	AutoModeNodeRoleARN string            `json:"auto_mode.node_role_arn"`
	Tags                map[string]string `json:"tags"`
	// OIDCIssuer is the cluster's issuer URL, known only once it exists.
	OIDCIssuer string `json:"oidc_issuer,omitempty"`
	// What nodes need to join the cluster, known once it exists: its API
	// endpoint, certificate authority (base64, as EKS gives it), service
	// CIDR and the security group EKS made for it. Not attributes.
	Endpoint               string `json:"endpoint,omitempty"`
	CertificateAuthority   string `json:"certificate_authority,omitempty"`
	ServiceCIDR            string `json:"service_ipv4_cidr,omitempty"`
	ClusterSecurityGroupID string `json:"cluster_security_group_id,omitempty"`
	Status                 string `json:"status,omitempty"`
	// Updates are the IDs of the cluster's updates (ListUpdates), sorted:
	// not an attribute, but part of the fingerprint, so that an update
	// started after the plan (whose values EKS shows only once it is done)
	// makes a saved plan stale.
	Updates []string `json:"-"`
}

// NodeGroupAttrs are a managed node group's attributes. Name is the physical
// EKS name, which differs from the block label after a replacement.
type NodeGroupAttrs struct {
	Name          string   `json:"node_group_name"`
	ARN           string   `json:"arn,omitempty"`
	InstanceTypes []string `json:"instance_types"`
	AMIType       string   `json:"ami_type"`
	CapacityType  string   `json:"capacity_type"`
	// DiskSize is 0 for a group with a launch template (its root_volume
	// sizes the disk).
	DiskSize       int               `json:"disk_size,omitempty"`
	SubnetIDs      []string          `json:"subnet_ids"`
	NodeRoleARN    string            `json:"node_role_arn"`
	Version        string            `json:"version"`
	ReleaseVersion string            `json:"release_version"`
	Labels         map[string]string `json:"labels"`
	Tags           map[string]string `json:"tags"`
	MinSize        int               `json:"scaling.min_size"`
	MaxSize        int               `json:"scaling.max_size"`
	DesiredSize    *int              `json:"scaling.desired_size"`
	// Autoscaled says the configuration leaves the size to autoscalers
	// (no desired_size): the cost estimate is then a range. Not an
	// attribute (no schema path: never diffed; hidden in the text plan).
	Autoscaled               bool         `json:"scaling.autoscaled,omitempty"`
	MaxUnavailable           *int         `json:"update.max_unavailable"`
	MaxUnavailablePercentage *int         `json:"update.max_unavailable_percentage"`
	Taints                   []TaintAttrs `json:"taints"`
	// LaunchTemplateName and LaunchTemplateVersion are the launch template
	// the group launches from, eksctl-lite's (launchtemplate.go); empty
	// when EKS uses a template of its own.
	LaunchTemplateName    string `json:"launch_template.name,omitempty"`
	LaunchTemplateVersion string `json:"launch_template.version,omitempty"`
	Status                string `json:"status,omitempty"`
	// Updates are the node group's update IDs; see ClusterAttrs.Updates.
	Updates []string `json:"-"`
}

// TaintAttrs is one Kubernetes taint of a node group.
type TaintAttrs struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Effect string `json:"effect"`
}

// FargateProfileAttrs are a Fargate profile's attributes.
type FargateProfileAttrs struct {
	Name                string            `json:"fargate_profile_name"`
	ARN                 string            `json:"arn,omitempty"`
	SubnetIDs           []string          `json:"subnet_ids"`
	PodExecutionRoleARN string            `json:"pod_execution_role_arn"`
	Selectors           []SelectorAttrs   `json:"selectors"`
	Tags                map[string]string `json:"tags"`
	Status              string            `json:"status,omitempty"`
}

// SelectorAttrs is one Fargate selector.
type SelectorAttrs struct {
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels"`
}

// OIDCProviderAttrs are an IAM OIDC identity provider's attributes.
type OIDCProviderAttrs struct {
	ARN string `json:"arn,omitempty"`
	// URL is the issuer URL, https:// included.
	URL         string            `json:"url"`
	ClientIDs   []string          `json:"client_id_list"`
	Thumbprints []string          `json:"thumbprint_list"`
	Tags        map[string]string `json:"tags"`
}

// RoleAttrs are an IAM role's attributes. AssumeRolePolicy and InlinePolicy
// are canonical JSON (see policy.go) so that equal policies compare equal.
type RoleAttrs struct {
	Name             string            `json:"name"`
	ARN              string            `json:"arn,omitempty"`
	Path             string            `json:"path"`
	AssumeRolePolicy string            `json:"assume_role_policy"`
	PolicyARNs       []string          `json:"managed_policy_arns"`
	InlinePolicy     string            `json:"inline_policy"`
	Tags             map[string]string `json:"tags"`
	// ServiceAccount is "namespace/name" for an irsa role, "" otherwise;
	// apply needs it to build a trust policy that was KnownAfterApply.
	ServiceAccount string `json:"service_account,omitempty"`
}
