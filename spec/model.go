package spec

import "github.com/hashicorp/hcl/v2"

// This file is the decoded, validated, defaulted configuration: the contract
// between spec (which builds it from HCL) and provision (which plans from it).
// Every field holds the value eksctl-lite will ask AWS for; defaults have been
// applied (see defaults.go). Ranges point back at the source for diagnostics.

// Config is a whole configuration: every cluster of every file loaded.
type Config struct {
	// Name is the configuration's identity, which the planner writes as an
	// ownership tag on every resource: settings { name } when written, else
	// the base name of the directory the configuration was loaded from
	// (absolute; for files given by name, the directory of the first one).
	// It matches [A-Za-z0-9][A-Za-z0-9._-]{0,62} when Load reports no error.
	Name string
	// NameRange is where name is written; when defaulted, the settings
	// block if there is one, else the start of the first file.
	NameRange hcl.Range
	// NameDefaulted is true when the user did not write settings { name }.
	NameDefaulted bool

	// Lock is the settings block's lock block: nil for the default, SSM
	// Parameter Store.
	Lock *Lock

	// Clusters in the order they appear in the sources.
	Clusters []*Cluster
	// ConnectedClusters are the connected_cluster blocks, in source order:
	// clusters outside EKS registered with EKS Connector.
	ConnectedClusters []*ConnectedCluster
	// Files are the parsed sources keyed by file name, for printing
	// diagnostics with source snippets (hcl.NewDiagnosticTextWriter).
	Files map[string]*hcl.File
}

// Cluster is one `cluster "NAME"` block: an EKS control plane and its children.
type Cluster struct {
	Name string
	// Region is "" when the region comes from the AWS configuration chain.
	Region string
	// Version is the Kubernetes minor version, "1.NN".
	Version string
	// VersionDefaulted is true when the user did not write version: Version
	// is then DefaultVersion, which applies when the cluster is created; an
	// existing cluster keeps its live version (the planner's rule), so that
	// a newer eksctl-lite, or --adopt, never upgrades a cluster by itself.
	VersionDefaulted bool
	// RoleARN is "" when eksctl-lite manages the cluster role.
	RoleARN string
	// UpgradePolicy is STANDARD or EXTENDED (EKS's support type: what
	// happens when the version leaves standard support), "" when the user
	// did not write it: EKS's default at creation, the live policy after.
	UpgradePolicy string
	Tags          map[string]string

	VPC VPC
	// Logging lists the enabled control plane log types, sorted; empty means none.
	Logging []string
	// KMSKeyARN is the secrets encryption key; "" means no encryption block.
	KMSKeyARN string

	NodeGroups            []*NodeGroup
	SelfManagedNodeGroups []*SelfManagedNodeGroup
	FargateProfiles       []*FargateProfile
	IRSA                  []*IRSA

	// Access is the `access` block: nil when the user wrote none (then the
	// authentication mode is API at creation and the live one afterwards).
	Access        *Access
	AccessEntries []*AccessEntry
	Addons        []*Addon
	PodIdentities []*PodIdentity
	// AutoMode is the `auto_mode` block: nil when the user wrote none
	// (then Auto Mode stays as it is live, and is off at creation).
	AutoMode *AutoMode
	// LoadBalancerController is the `load_balancer_controller` block: nil
	// when the user wrote none.
	LoadBalancerController *LoadBalancerController

	DeclRange hcl.Range
	// Ranges are the source ranges of the attributes the user wrote, keyed
	// "version", "role_arn", "vpc.subnet_ids", "encryption.kms_key_arn", ...;
	// use AttrRange, which falls back to DeclRange.
	Ranges map[string]hcl.Range
}

// VPC is the cluster's `vpc` block.
type VPC struct {
	SubnetIDs             []string
	SecurityGroupIDs      []string
	EndpointPublicAccess  bool
	EndpointPrivateAccess bool
	PublicAccessCIDRs     []string
	DeclRange             hcl.Range
}

// NodeGroup is a `node_group "NAME"` block: an EKS managed node group.
type NodeGroup struct {
	Name          string
	InstanceTypes []string
	AMIType       string
	CapacityType  string
	// DiskSize is the root volume size in GiB; 0 when the group has a
	// launch template (EKS refuses diskSize then: the template's
	// root_volume says it).
	DiskSize  int
	SubnetIDs []string
	// NodeRoleARN is "" when eksctl-lite manages the node role.
	NodeRoleARN string
	// Version is the node group's Kubernetes version; when the user did not
	// set it, it is the cluster's version and VersionFollowsCluster is true.
	Version               string
	VersionFollowsCluster bool
	// ReleaseVersion is "" when the user leaves the AMI release to EKS.
	ReleaseVersion string
	Labels         map[string]string
	Tags           map[string]string
	Scaling        Scaling
	Update         UpdateConfig
	Taints         []Taint
	// LaunchTemplate is nil when the user wrote no launch_template block
	// (EKS then launches the nodes from a template of its own).
	LaunchTemplate *LaunchTemplate

	DeclRange hcl.Range
	// Ranges are the source ranges of the attributes the user wrote; use
	// AttrRange, which falls back to DeclRange.
	Ranges map[string]hcl.Range
}

// LaunchTemplate is a `launch_template` block of a node group or of a
// self-managed node group: an EC2 launch template eksctl-lite creates and
// versions (each change is a new version, never an edit).
type LaunchTemplate struct {
	// AMIID is "" when EKS (managed node groups) or the AMI family
	// (self-managed) chooses the AMI. Set on a managed node group, the
	// group is ami_type CUSTOM and eksctl-lite writes the nodeadm user data
	// that joins the cluster. Self-managed groups take ami_id at the top
	// level, never here.
	AMIID string
	// SecurityGroupIDs are added to the cluster security group, as written.
	SecurityGroupIDs []string
	// MetadataHTTPTokens is "required" (the default: IMDSv2) or "optional".
	MetadataHTTPTokens string
	// MetadataHopLimit is 1-64, default 2 (pods reach IMDS through one hop).
	MetadataHopLimit int
	// RootVolume is nil when the user wrote no root_volume block (the
	// AMI's own root volume).
	RootVolume *RootVolume
	// UserData is extra nodeadm NodeConfig or shell the user wrote, "" for
	// none; merged with eksctl-lite's as MIME multipart.
	UserData string
	// Tags go on the instances and volumes launched from the template.
	Tags map[string]string

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// RootVolume is a launch template's `root_volume` block.
type RootVolume struct {
	// Size is in GiB (default 20, like a managed node group's disk_size).
	Size int
	// Type is an EBS volume type: gp3 (the default), gp2, io1, io2, st1, sc1.
	Type string
	// IOPS and Throughput are nil when not written (EBS's defaults for the
	// type: 3000 IOPS and 125 MiB/s for gp3).
	IOPS       *int
	Throughput *int
	// Encrypted defaults to true.
	Encrypted bool
}

// SelfManagedNodeGroup is a `self_managed_node_group "NAME"` block: an EC2
// Auto Scaling group of nodes eksctl-lite launches itself (a launch
// template, the Auto Scaling group, the node role's instance profile and the
// access entry that lets the nodes join).
type SelfManagedNodeGroup struct {
	// Name is the label, the node group's name (the Auto Scaling group's
	// name is derived from cluster and label by the planner).
	Name string
	// InstanceTypes are as written; more than one means a mixed-instances
	// policy.
	InstanceTypes []string
	// AMIFamily is one of AMIFamilies, default AL2023_x86_64_STANDARD.
	AMIFamily string
	// AMIID is "" for the family's recommended AMI (the SSM parameter EKS
	// publishes for the version and family).
	AMIID string
	// AMIRelease is "pinned" (the default: the AMI of creation stays until
	// the version changes) or "latest" (a newer recommended AMI is a
	// planned rolling update).
	AMIRelease string
	// Version is the group's Kubernetes version; when the user did not set
	// it, it is the cluster's and VersionFollowsCluster is true.
	Version               string
	VersionFollowsCluster bool
	// SubnetIDs are the cluster's vpc.subnet_ids when not written.
	SubnetIDs []string
	// NodeRoleARN is "" when eksctl-lite manages the node role (the
	// cluster's managed node role, shared with managed node groups).
	NodeRoleARN string
	// CapacityType is ON_DEMAND (the default) or SPOT.
	CapacityType string
	// Labels and Taints are passed to the kubelet by the user data.
	Labels map[string]string
	Taints []Taint
	// Tags are propagated to the instances.
	Tags    map[string]string
	Scaling Scaling
	// Update says how many instances an instance refresh may take out of
	// service at once; both nil means the instance refresh default (a
	// minimum healthy percentage of 90).
	Update UpdateConfig
	// LaunchTemplate is never nil: the block's values, or its defaults
	// when the user wrote none. Its AMIID is always "" (see AMIID above).
	LaunchTemplate *LaunchTemplate

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// Scaling is a node group's `scaling` block.
type Scaling struct {
	MinSize int
	MaxSize int
	// DesiredSize is nil when the user left it to autoscalers: it is MinSize
	// at creation and never diffed afterwards.
	DesiredSize *int
}

// UpdateConfig is a node group's `update` block; at most one field is set,
// both nil means EKS's default (max_unavailable = 1).
type UpdateConfig struct {
	MaxUnavailable           *int
	MaxUnavailablePercentage *int
}

// Taint is one `taint` block. Effect uses the EKS API spelling
// (NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE).
type Taint struct {
	Key    string
	Value  string
	Effect string
}

// FargateProfile is a `fargate_profile "NAME"` block.
type FargateProfile struct {
	Name      string
	SubnetIDs []string
	// PodExecutionRoleARN is "" when eksctl-lite manages the role.
	PodExecutionRoleARN string
	Tags                map[string]string
	Selectors           []Selector

	DeclRange hcl.Range
}

// Selector is one `selector` block of a Fargate profile.
type Selector struct {
	Namespace string
	Labels    map[string]string
}

// IRSA is an `irsa "NAME"` block: an IAM role that one Kubernetes service
// account assumes through the cluster's OIDC provider.
type IRSA struct {
	Name string
	// Address is "" for an irsa block (see PodIdentity.Address).
	Address        string
	Namespace      string
	ServiceAccount string
	// RoleName is the IAM role name, defaulted from cluster and label.
	RoleName   string
	PolicyARNs []string
	// InlinePolicy is a JSON policy document, "" for none.
	InlinePolicy string
	Tags         map[string]string

	DeclRange hcl.Range
}

// Access is a cluster's `access` block.
type Access struct {
	// AuthenticationMode is API, API_AND_CONFIG_MAP or CONFIG_MAP; "" when
	// the user did not write it (API at creation, the live mode afterwards).
	AuthenticationMode string
	// BootstrapClusterCreatorAdmin is nil when not written (EKS's default,
	// true, at creation); it cannot change after creation.
	BootstrapClusterCreatorAdmin *bool

	DeclRange hcl.Range
	// Ranges are the source ranges of the attributes the user wrote.
	Ranges map[string]hcl.Range
}

// AccessEntry is an `access_entry "NAME"` block: an EKS access entry and
// the access policies associated with it.
type AccessEntry struct {
	// Name is the block label: a name for the address only.
	Name         string
	PrincipalARN string
	// Type is STANDARD (the default), EC2_LINUX, EC2_WINDOWS,
	// FARGATE_LINUX, EC2 or HYBRID_LINUX.
	Type string
	// KubernetesGroups are sorted; STANDARD entries only.
	KubernetesGroups []string
	// Username is "" when EKS chooses it.
	Username string
	Tags     map[string]string
	Policies []*AccessPolicy

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// AccessPolicy is a `policy "NAME"` block of an access entry.
type AccessPolicy struct {
	// Name is the label as written: an access policy name
	// (AmazonEKSClusterAdminPolicy) or its full ARN.
	Name string
	// ARN is the policy's full ARN
	// (arn:aws:eks::aws:cluster-access-policy/NAME).
	ARN string
	// Scope is "cluster" or "namespace".
	Scope string
	// Namespaces are sorted; non-empty exactly when Scope is "namespace".
	Namespaces []string

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// Addon is an `addon "NAME"` block: an EKS add-on.
type Addon struct {
	// Name is the label, the EKS add-on name (vpc-cni).
	Name string
	// Version is "default", "latest" or an exact version
	// ("v1.19.2-eksbuild.1"); the planner resolves the first two.
	Version string
	// ConfigurationValues is a JSON document, "" for none.
	ConfigurationValues string
	// ResolveConflicts is OVERWRITE (the default), PRESERVE or NONE, as
	// written; the planner maps it to what each call accepts.
	ResolveConflicts      string
	ServiceAccountRoleARN string
	PodIdentities         []*AddonPodIdentity
	PreserveOnDelete      bool
	Tags                  map[string]string

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// AddonPodIdentity is a `pod_identity "SERVICE_ACCOUNT"` block of an add-on.
type AddonPodIdentity struct {
	// ServiceAccount is the label: the add-on's service account.
	ServiceAccount string
	// RoleARN is "" when eksctl-lite manages the role (RoleName, with
	// PolicyARNs attached).
	RoleARN    string
	RoleName   string
	PolicyARNs []string

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// PodIdentity is a `pod_identity "NAME"` block: an EKS Pod Identity
// association.
type PodIdentity struct {
	// Name is the label: a name for the address only.
	Name string
	// Address is "" for a pod_identity block: its address comes from its
	// label. The planner sets it for an association it derives from
	// another block (load_balancer_controller), whose address it is.
	Address        string
	Namespace      string
	ServiceAccount string
	// RoleARN is "" when eksctl-lite manages the role: RoleName (defaulted
	// like an irsa block's), with PolicyARNs and InlinePolicy.
	RoleARN            string
	RoleName           string
	PolicyARNs         []string
	InlinePolicy       string
	TargetRoleARN      string
	DisableSessionTags bool
	Tags               map[string]string

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// LoadOptions says what to load and where variable values come from.
type LoadOptions struct {
	// Paths are files or directories; a directory means every *.hcl in it.
	// Empty means the current directory.
	Paths []string
	// Vars are --var NAME=VALUE and --var-file FILE flags in command-line
	// order; later ones win.
	Vars []VarArg
	// Environ is the process environment (os.Environ()); variables named
	// EKSCTL_LITE_VAR_<name> in it are used before any flag.
	Environ []string
}

// VarArg is one --var or --var-file flag.
type VarArg struct {
	// File is set for --var-file; Name and Value for --var.
	File  string
	Name  string
	Value string
}

// Lock is where apply and destroy take their locks when not in SSM
// Parameter Store: S3 objects written with If-None-Match (settings { lock }).
type Lock struct {
	S3Bucket string
	// S3Prefix goes before region/cluster in the object's key ("" for none).
	S3Prefix string
	// S3Region is the bucket's region, "" for the AWS configuration's.
	S3Region  string
	DeclRange hcl.Range
}
