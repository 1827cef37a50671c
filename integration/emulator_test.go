package integration

// Tests of the emulator itself, through aws-sdk-go-v2 as eksctl-lite uses
// it: one per behaviour patched in emulator/eks_fidelity.py or provided by
// emulator/control.py, so that a reader can trust what the harness shows.

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// AWS managed policies exist in every account; moto loads them only with
// MOTO_IAM_LOAD_MANAGED_POLICIES=true, which the launcher sets.
func TestEmulatorManagedPolicies(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"AmazonEKSClusterPolicy", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKSFargatePodExecutionRolePolicy"} {
		arn := "arn:aws:iam::aws:policy/" + name
		out, err := e.iam.GetPolicy(t.Context(), &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
		if err != nil {
			t.Errorf("GetPolicy %s: %v", arn, err)
			continue
		}
		if got := aws.ToString(out.Policy.PolicyName); got != name {
			t.Errorf("GetPolicy %s: name %q", arn, got)
		}
	}
}
