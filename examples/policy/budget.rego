# A CI budget guard over eksctl-lite's JSON plan (eksctl-lite plan --json,
# or show --json of a saved plan). deny fails the build: the plan raises
# the monthly cost by more than the budget, a cluster's estimate is missing
# prices, or a cluster runs a Kubernetes version in extended support. warn
# only reports. Amounts are USD a month, from eksctl_lite.cost_summary and
# each change's eksctl_lite.cost.
package eksctl_lite.budget

# budget is the largest monthly increase (USD) a plan may make:
# data.budget.monthly_increase_usd, 500 when no data gives it.
default budget := 500

budget := data.budget.monthly_increase_usd

costs := input.eksctl_lite.cost_summary

# A plan without costs (an older eksctl-lite) would pass every check
# below: fail instead.
deny contains "The plan has no eksctl_lite.cost_summary: make it with a version of eksctl-lite plan --json that estimates costs" if {
	not costs
}

# Over budget. change_max is the upper end: autoscaled groups at their
# max size, spot capacity at the on-demand price.
deny contains msg if {
	costs.change_max > budget
	msg := sprintf("The plan raises the monthly cost by up to %s, over the budget of %s; the biggest increases: %s", [usd(costs.change_max), usd(budget), concat(", ", biggest)])
}

# No prices could be read at all (the price source failed).
deny contains msg if {
	costs.error
	msg := sprintf("The plan has no cost estimate, so the budget cannot be checked: %s", [costs.error])
}

# A partial estimate leaves out what it has no price for, so the budget
# check above cannot be trusted for that cluster.
deny contains msg if {
	not costs.error
	some cl in costs.clusters
	cl.partial
	types := {t |
		some rc in input.resource_changes
		rc.eksctl_lite.cluster == cl.cluster
		rc.eksctl_lite.region == cl.region
		some t in rc.eksctl_lite.cost.unknown
	}
	msg := sprintf("The cost of cluster %q (%s) is partial: no price for %s, so the budget leaves it out", [cl.cluster, cl.region, concat(", ", types)])
}

# Extended support costs $0.60 per cluster-hour instead of $0.10.
deny contains msg if {
	some w in input.eksctl_lite.warnings
	endswith(w.summary, " in extended support")
	msg := sprintf("%s%s: %s", [w.summary, where(w), object.get(w, "detail", "")])
}

# A wide cost range (a node group whose desired size is left to the
# autoscaler, from min to max) is worth a look: the budget counts its top.
warn contains msg if {
	some rc in input.resource_changes
	c := rc.eksctl_lite.cost
	is_number(c.after)
	c.after_max > 2 * c.after
	msg := sprintf("%s costs %s to %s a month depending on its scaling; the budget counts %s", [rc.address, usd(c.after), usd(c.after_max), usd(c.after_max)])
}

# What the estimate cannot count (the pods of a Fargate profile).
warn contains msg if {
	some rc in input.resource_changes
	note := rc.eksctl_lite.cost.note
	msg := sprintf("%s: %s", [rc.address, note])
}

# increase is what each change adds to the monthly cost at the upper end.
increase[rc.address] := amount(c.after_max) - amount(c.before_max) if {
	some rc in input.resource_changes
	c := rc.eksctl_lite.cost
}

# biggest are the three largest increases, largest first.
biggest := [sprintf("%s +%s", [p[1], usd(p[0])]) |
	some p in array.slice(array.reverse(sort([[d, a] | some a, d in increase; d > 0])), 0, 3)
]

# amount is a monthly cost; null (no resource on that side of the plan, or
# no price for it: the partial rule above catches that) counts as 0.
amount(x) := x if x != null

else := 0

# usd formats a non-negative amount as $1234.50. (sprintf's %.2f wants a
# float, and OPA keeps whole numbers such as 500 as integers.)
usd(x) := sprintf("$%d.%02d", [floor(cents / 100), cents % 100]) if cents := round(x * 100)

# where is the warning's place in the configuration, " (main.hcl:3)".
where(w) := sprintf(" (%s:%d)", [w.file, w.line]) if w.file

else := ""
