package provision

// Ownership: which live resources are this configuration's, and the tags
// that say so (see the Tag constants in model.go).

// owner is the value of a resource's TagCluster ("" when untagged).
func owner(tags map[string]string) string { return tags[TagCluster] }

// owns reports whether an IAM resource (role, OIDC provider) belongs to
// this cluster block: IAM is global, so the region must match as well as
// the cluster name.
func (cp *clusterPlan) owns(tags map[string]string) bool {
	return owner(tags) == cp.spec.Name && tags[TagRegion] == cp.region
}

// ownedTags is the package's ownedTags with this cluster's region added:
// the tags of every resource the plan creates or updates.
func (cp *clusterPlan) ownedTags(user map[string]string, address string) map[string]string {
	t := ownedTags(user, cp.spec.Name, address)
	cp.configTags(t)
	return t
}

// configTags adds the configuration's tag (and the region's) to desired
// tags that ownedTags made.
func (cp *clusterPlan) configTags(tags map[string]string) {
	tags[TagRegion] = cp.region
	if cp.config != "" {
		tags[TagConfiguration] = cp.config
	}
}
