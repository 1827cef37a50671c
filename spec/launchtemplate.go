package spec

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/hcl/v2"
)

// rawLaunchTemplate is a `launch_template` block of a node group or a
// self-managed node group, as written.
type rawLaunchTemplate struct {
	AMIID              *string           `hcl:"ami_id,optional"`
	SecurityGroupIDs   []string          `hcl:"security_group_ids,optional"`
	MetadataHTTPTokens *string           `hcl:"metadata_http_tokens,optional"`
	MetadataHopLimit   *int              `hcl:"metadata_hop_limit,optional"`
	RootVolume         *rawRootVolume    `hcl:"root_volume,block"`
	UserData           *string           `hcl:"user_data,optional"`
	Tags               map[string]string `hcl:"tags,optional"`
	Body               hcl.Body          `hcl:",body"`
	DefRange           hcl.Range         `hcl:",def_range"`
}

// rawRootVolume is a launch template's `root_volume` block.
type rawRootVolume struct {
	Size       *int      `hcl:"size,optional"`
	Type       *string   `hcl:"type,optional"`
	IOPS       *int      `hcl:"iops,optional"`
	Throughput *int      `hcl:"throughput,optional"`
	Encrypted  *bool     `hcl:"encrypted,optional"`
	Body       hcl.Body  `hcl:",body"`
	DefRange   hcl.Range `hcl:",def_range"`
}

// MetadataHTTPTokens are the values of metadata_http_tokens: IMDSv2 only
// ("required") or IMDSv1 too ("optional"), as EC2's
// LaunchTemplateInstanceMetadataOptions HttpTokens spells them.
var MetadataHTTPTokens = []string{"required", "optional"}

// VolumeTypes are the EBS volume types a root_volume block names.
var VolumeTypes = []string{"gp3", "gp2", "io1", "io2", "st1", "sc1"}

// volumeLimits are the limits of one EBS volume type that a root volume
// must respect, from the Amazon EBS User Guide, "Amazon EBS volume types"
// (General Purpose SSD, Provisioned IOPS SSD and HDD tables). EC2 refuses
// a launch template's block device mapping that breaks them only when an
// instance launches, long after plan; so they are checked here.
type volumeLimits struct {
	// minSize is the smallest volume, in GiB (the largest is maxDiskSize).
	minSize int
	// boot says whether the type can be a boot volume: the HDD types
	// (st1, sc1) cannot, and the root volume is the boot volume.
	boot bool
	// minIOPS and maxIOPS bound iops; both 0 when the type takes no iops.
	minIOPS, maxIOPS int
	// iopsRequired says that the type has no IOPS of its own (io1, io2).
	iopsRequired bool
	// baseIOPS are IOPS every volume of the type gets whatever its size
	// (gp3: 3000); iopsPerGiB bounds the IOPS provisioned above them.
	baseIOPS, iopsPerGiB int
	// throughput says whether the type takes throughput (gp3 only).
	throughput bool
}

// ebsVolumes holds the limits of each of VolumeTypes.
var ebsVolumes = map[string]volumeLimits{
	// gp3: 3,000 IOPS and 125 MiB/s included, up to 80,000 IOPS (500 per
	// GiB) and 2,000 MiB/s (0.25 MiB/s per provisioned IOPS).
	"gp3": {minSize: 1, boot: true, minIOPS: 3000, maxIOPS: 80000, baseIOPS: 3000, iopsPerGiB: 500, throughput: true},
	// gp2: IOPS follow the size (3 per GiB), none can be provisioned.
	"gp2": {minSize: 1, boot: true},
	// io1: 100 to 64,000 IOPS, at most 50 per GiB.
	"io1": {minSize: 4, boot: true, minIOPS: 100, maxIOPS: 64000, iopsRequired: true, iopsPerGiB: 50},
	// io2 Block Express: 100 to 256,000 IOPS, at most 1,000 per GiB.
	"io2": {minSize: 4, boot: true, minIOPS: 100, maxIOPS: 256000, iopsRequired: true, iopsPerGiB: 1000},
	"st1": {minSize: 125},
	"sc1": {minSize: 125},
}

// Launch template limits.
const (
	// maxHopLimit is EC2's limit on the instance metadata hop limit
	// (LaunchTemplateInstanceMetadataOptionsRequest HttpPutResponseHopLimit).
	maxHopLimit = 64
	// minThroughput and maxThroughput bound a gp3 volume's throughput in
	// MiB/s; it takes at most 0.25 MiB/s per IOPS, that is iopsPerMiBs
	// IOPS for each MiB/s.
	minThroughput, maxThroughput = 125, 2000
	iopsPerMiBs                  = 4
	// maxUserData is EC2's limit on user data, 16 KB before base64
	// encoding (EC2 User Guide, "Run commands when you launch an EC2
	// instance with user data input"). eksctl-lite adds its own part, so
	// the merged document is checked again by plan.
	maxUserData = 16 << 10
)

// amiIDRE is an EC2 image ID: ami- and 8 (older images) or 17 lowercase
// hex digits, like the other EC2 resource IDs.
var amiIDRE = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)

// checkAMIID checks the ami_id attribute of body, whose value is id.
func (l *loader) checkAMIID(body hcl.Body, id string, fallback hcl.Range) {
	l.checkPattern(amiIDRE, id, at(body, "ami_id", fallback), "Invalid AMI ID",
		"%q is not an AMI ID: ami_id takes IDs of the form ami- and 8 or 17 lowercase hexadecimal digits, such as \"ami-0a1b2c3d4e5f60001\" (aws ec2 describe-images lists yours).", id)
}

// buildLaunchTemplate validates a defaulted launch_template block and
// converts it into the model. owner is the block of the node group it
// belongs to, where a defaulted template points. In a self-managed node
// group (selfManaged), ami_id is an error: the group's own ami_id says it.
func (l *loader) buildLaunchTemplate(r *rawLaunchTemplate, owner hcl.Range, selfManaged bool) *LaunchTemplate {
	lt := &LaunchTemplate{
		AMIID:              *r.AMIID,
		SecurityGroupIDs:   r.SecurityGroupIDs,
		MetadataHTTPTokens: *r.MetadataHTTPTokens,
		MetadataHopLimit:   *r.MetadataHopLimit,
		UserData:           *r.UserData,
		Tags:               r.Tags,
		DeclRange:          r.DefRange,
		Ranges:             attrRanges(nil, "", r.Body),
	}
	body, def := r.Body, r.DefRange
	if body == nil {
		lt.DeclRange, def = owner, owner
	}
	if has(body, "ami_id") {
		if selfManaged {
			l.errorf(at(body, "ami_id", def), "AMI ID in a self-managed launch template",
				"A self-managed node group takes its AMI at the group's own level: move ami_id = %q out of launch_template, next to ami_family.", lt.AMIID)
			lt.AMIID = ""
		} else {
			l.checkAMIID(body, lt.AMIID, def)
		}
	}
	l.checkList(body, "security_group_ids", lt.SecurityGroupIDs, def, func(s string, rng *hcl.Range) {
		l.checkPattern(securityGroupIDRE, s, rng, "Invalid security group ID",
			"%q is not a security group ID: security_group_ids takes IDs of the form sg- and 8 or 17 lowercase hexadecimal digits, such as \"sg-0a1b2c3d4e5f60001\".", s)
	})
	l.oneOf("metadata_http_tokens value", lt.MetadataHTTPTokens, MetadataHTTPTokens, at(body, "metadata_http_tokens", def))
	if n := lt.MetadataHopLimit; n < 1 || n > maxHopLimit {
		l.errorf(at(body, "metadata_hop_limit", def), "Invalid metadata hop limit",
			"metadata_hop_limit is how many network hops instance metadata responses may travel: a whole number from 1 to %d, not %d. Keep the default, 2, so that pods (one hop away from the node) reach IMDS; 1 keeps them from it.", maxHopLimit, n)
	}
	if n := len(lt.UserData); n > maxUserData {
		l.errorf(at(body, "user_data", def), "User data too long",
			"user_data has %d bytes; EC2 accepts at most %d bytes of user data, and eksctl-lite adds the NodeConfig that joins the cluster to it. Move large scripts elsewhere (an S3 object the script fetches, a container image).", n, maxUserData)
	}
	l.checkTags(body, lt.Tags, def)
	if r.RootVolume != nil {
		lt.RootVolume = l.buildRootVolume(r.RootVolume)
		if r.RootVolume.Body != nil {
			lt.Ranges = attrRanges(lt.Ranges, "root_volume.", r.RootVolume.Body)
		}
	}
	return lt
}

// buildRootVolume validates a defaulted root_volume block against the
// limits of its EBS volume type (see ebsVolumes).
func (l *loader) buildRootVolume(r *rawRootVolume) *RootVolume {
	rv := &RootVolume{Size: *r.Size, Type: *r.Type, IOPS: r.IOPS, Throughput: r.Throughput, Encrypted: *r.Encrypted}
	body, def := r.Body, r.DefRange
	typeRng := at(body, "type", def)
	if !l.oneOf("volume type", rv.Type, VolumeTypes, typeRng) || !l.trusted(body, "type") {
		if rv.Size < 1 || rv.Size > maxDiskSize {
			l.errorf(at(body, "size", def), "Invalid root volume size",
				"size is the root volume size in GiB: a whole number from 1 to %d, not %d.", maxDiskSize, rv.Size)
		}
		return rv
	}
	lim := ebsVolumes[rv.Type]
	if !lim.boot {
		l.errorf(typeRng, "Volume type cannot boot",
			"type = %q is an HDD volume type, and EBS does not boot from HDD volumes (Amazon EBS User Guide, \"Amazon EBS volume types\"); the root volume is the boot volume. Use one of the SSD types, %s (gp3 is the default).",
			rv.Type, quoteAll(bootVolumeTypes()))
		return rv
	}
	sizeOK := rv.Size >= lim.minSize && rv.Size <= maxDiskSize
	if !sizeOK {
		l.errorf(at(body, "size", def), "Invalid root volume size",
			"size is the root volume size in GiB: for %s, a whole number from %d to %d, not %d.", rv.Type, lim.minSize, maxDiskSize, rv.Size)
	}
	iops := lim.baseIOPS
	if rv.IOPS != nil {
		iops = *rv.IOPS
	}
	iopsRng := at(body, "iops", def)
	switch {
	case rv.IOPS == nil && lim.iopsRequired:
		l.errorf(def.Ptr(), "Missing IOPS",
			"%s volumes have only the IOPS you provision: add iops, from %d to %d (at most %d per GiB of size).", rv.Type, lim.minIOPS, lim.maxIOPS, lim.iopsPerGiB)
	case rv.IOPS == nil:
	case lim.maxIOPS == 0:
		l.errorf(iopsRng, "IOPS for a volume type without them",
			"%s volumes take no iops: their performance follows their size. Remove iops, or use type = \"gp3\", \"io1\" or \"io2\", which take them.", rv.Type)
	case iops < lim.minIOPS || iops > lim.maxIOPS:
		l.errorf(iopsRng, "Invalid IOPS",
			"%s volumes take iops from %d to %d, not %d.", rv.Type, lim.minIOPS, lim.maxIOPS, iops)
	case sizeOK && iops > lim.baseIOPS && iops > lim.iopsPerGiB*rv.Size:
		l.errorf(iopsRng, "Too many IOPS for the volume size",
			"%s volumes take at most %d IOPS per GiB: %d IOPS need a size of at least %d GiB, not %d. Raise size or lower iops.",
			rv.Type, lim.iopsPerGiB, iops, (iops+lim.iopsPerGiB-1)/lim.iopsPerGiB, rv.Size)
	}
	if rv.Throughput == nil {
		return rv
	}
	tRng := at(body, "throughput", def)
	t := *rv.Throughput
	switch {
	case !lim.throughput:
		l.errorf(tRng, "Throughput for a volume type without it",
			"Only gp3 volumes take a provisioned throughput; that of %s volumes follows their size or IOPS. Remove throughput, or use type = \"gp3\".", rv.Type)
	case t < minThroughput || t > maxThroughput:
		l.errorf(tRng, "Invalid throughput",
			"throughput is in MiB/s: a gp3 volume takes from %d to %d, not %d.", minThroughput, maxThroughput, t)
	case t*iopsPerMiBs > iops && l.trusted(body, "iops"):
		whose := fmt.Sprintf("iops = %d", iops)
		if rv.IOPS == nil {
			whose = fmt.Sprintf("the %d IOPS a gp3 volume has without iops", iops)
		}
		l.errorf(tRng, "Throughput too high for the IOPS",
			"A gp3 volume takes at most 0.25 MiB/s of throughput per IOPS: throughput = %d needs at least %d IOPS, and %s. Raise iops or lower throughput.",
			t, t*iopsPerMiBs, whose)
	}
	return rv
}

// bootVolumeTypes are the VolumeTypes EBS can boot from.
func bootVolumeTypes() []string {
	return slices.DeleteFunc(slices.Clone(VolumeTypes), func(t string) bool { return !ebsVolumes[t].boot })
}
