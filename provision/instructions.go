package provision

import (
	"strings"
)

// Instruction is a step the user takes once the plan is applied: a
// command eksctl-lite does not run itself (it installs no Kubernetes
// software), such as the helm install of the AWS Load Balancer
// Controller. Kinds add them while planning (clusterPlan.instruct).
type Instruction struct {
	Cluster string `json:"cluster"`
	Region  string `json:"region"`
	Summary string `json:"summary"`
	// Command may hold ${name} placeholders, filled from Values.
	Command string `json:"command"`
	// Values name where each placeholder's value comes from: an
	// attribute (refValue path) of the object at an address, once it
	// exists.
	Values map[string]InstructionValue `json:"values,omitempty"`
	// Facts are the values the command is made of that the plan knows
	// (cluster_name, region, vpc_id, ...), for a pipeline that runs its
	// own command.
	Facts map[string]string `json:"facts,omitempty"`
}

// InstructionValue is where one placeholder of an instruction comes from.
type InstructionValue struct {
	Address string `json:"address"`
	Path    string `json:"path"`
}

// instruct records an instruction of the cluster's plan.
func (cp *clusterPlan) instruct(in Instruction) { cp.instructions = append(cp.instructions, in) }

// Resolve fills the placeholders of the instruction's summary and command
// from live, the objects by address (a plan's Before, or what apply left);
// one whose object does not exist yet is KnownAfterApply.
func (in Instruction) Resolve(live func(address string) any) ResolvedInstruction {
	r := ResolvedInstruction{Cluster: in.Cluster, Region: in.Region, Summary: in.fill(in.Summary, live), Command: in.fill(in.Command, live), Values: map[string]string{}}
	for k, v := range in.Facts {
		r.Values[k] = v
	}
	for name := range in.Values {
		r.Values[name] = in.fill("${"+name+"}", live)
	}
	return r
}

func (in Instruction) fill(cmd string, live func(address string) any) string {
	for name, v := range in.Values {
		val := KnownAfterApply
		if obj := live(v.Address); obj != nil {
			if r, ok := obj.(referencedAttrs); ok {
				if s, err := r.refValue(v.Path, nil); err == nil && s != "" {
					val = s
				}
			}
		}
		cmd = strings.ReplaceAll(cmd, "${"+name+"}", val)
	}
	return cmd
}

// planObject returns, for Resolve, what the plan knows live of an address.
func (p *Plan) planObject(address string) any {
	for _, ch := range p.Changes {
		if ch.Address == address && ch.Before != nil && ch.Action != Delete && ch.Action != Replace {
			return ch.Before
		}
	}
	return nil
}

// ResolvedInstructions are the plan's instructions with what the plan
// knows filled in.
func (p *Plan) ResolvedInstructions() []ResolvedInstruction {
	var out []ResolvedInstruction
	for _, in := range p.Instructions {
		out = append(out, in.Resolve(p.planObject))
	}
	return out
}

// ResolvedInstruction is an instruction as shown to the user.
type ResolvedInstruction struct {
	Cluster string `json:"cluster"`
	Region  string `json:"region"`
	Summary string `json:"summary"`
	Command string `json:"command"`
	// Values are what the command is made of, by name (the facts and the
	// placeholders' values), KnownAfterApply for those not known yet.
	Values map[string]string `json:"values"`
}
