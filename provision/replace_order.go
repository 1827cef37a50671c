package provision

// ReplaceOrder is the order in which a replacement happens, as Terraform
// names it. Each kind's descriptor (kinds.go) decides it, and nowhere else: the text plan's
// symbol and legend and the JSON plan's change.actions are read from it,
// and each kind's apply (nodegroup_apply.go, fargate_apply.go, ...) follows
// it (TestApplyReplacesNodeGroupWithoutDroppingCapacity and
// TestApplyReplacesFargateDeleteThenCreate check that they do).
type ReplaceOrder int

const (
	// DeleteThenCreate deletes the live resource, then creates the new one
	// under the same name: Terraform's default, "-/+".
	DeleteThenCreate ReplaceOrder = iota
	// CreateThenDelete creates the new resource (under a new name) and
	// waits for it before deleting the old one: Terraform's
	// create_before_destroy, "+/-".
	CreateThenDelete
)

// replaceOrderOf returns how resources of kind t are replaced: each kind
// says (kind.replace). A node group holds the cluster's capacity, so its
// replacement is created, under a new name, and ACTIVE before the old
// group is deleted. A Fargate profile holds no capacity and keeps its name
// (the block's label), and EKS allows one Fargate profile creating or
// deleting per cluster at a time; the OIDC provider's URL is its identity;
// both are deleted first.
func replaceOrderOf(t Type) ReplaceOrder { return mustKind(t).replace }

// Symbol is the plan's marker for the order: "-/+" or "+/-".
func (o ReplaceOrder) Symbol() string {
	if o == CreateThenDelete {
		return "+/-"
	}
	return "-/+"
}

// Legend explains Symbol, in Terraform's words.
func (o ReplaceOrder) Legend() string {
	if o == CreateThenDelete {
		return "create replacement and then destroy"
	}
	return "destroy and then create replacement"
}

// Actions are Terraform's JSON plan change.actions for the order.
func (o ReplaceOrder) Actions() []string {
	if o == CreateThenDelete {
		return []string{string(Create), string(Delete)}
	}
	return []string{string(Delete), string(Create)}
}
