package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

func TestConfirm(t *testing.T) {
	tests := map[string]struct {
		terminal bool
		input    string
		destroy  bool
		wantErr  string // "" means approved
		wantOut  string
	}{
		"yes":              {terminal: true, input: "yes\n", wantOut: "\nApply these changes? Only 'yes' will be accepted.\n  Enter a value: "},
		"yes with spaces":  {terminal: true, input: "  yes  \n"},
		"no":               {terminal: true, input: "no\n", wantErr: "apply cancelled: nothing was changed"},
		"Yes is not yes":   {terminal: true, input: "Yes\n", wantErr: "apply cancelled: nothing was changed"},
		"end of input":     {terminal: true, input: "", wantErr: "apply cancelled: nothing was changed"},
		"destroy question": {terminal: true, input: "yes\n", destroy: true, wantOut: "\nDestroy all these resources? Only 'yes' will be accepted.\n  Enter a value: "},
		"not a terminal":   {terminal: false, input: "yes\n", wantErr: "eksctl-lite apply asks for confirmation, but standard input is not a terminal; run it with --auto-approve"},
		"destroy, not a terminal": {terminal: false, input: "yes\n", destroy: true,
			wantErr: "eksctl-lite destroy asks for confirmation, but standard input is not a terminal; run it with --auto-approve to destroy"},
	}
	defer func(f func(io.Reader) bool) { stdinIsTerminal = f }(stdinIsTerminal)
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			stdinIsTerminal = func(io.Reader) bool { return tt.terminal }
			var out bytes.Buffer
			err := confirm(t.Context(), strings.NewReader(tt.input), &out, tt.destroy)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("confirm: %v, want approval", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("confirm: %v, want %q", err, tt.wantErr)
			}
			var ee *exitError
			if tt.wantErr != "" && tt.terminal && (!errors.As(err, &ee) || ee.code != 1) {
				t.Errorf("a refusal must exit 1: %#v", err)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q lacks %q", out.String(), tt.wantOut)
			}
			if !tt.terminal && out.Len() != 0 {
				t.Errorf("asked without a terminal: %q", out.String())
			}
		})
	}
}

func TestSavedPlanDetection(t *testing.T) {
	dir := t.TempDir()
	planFile := filepath.Join(dir, "demo.plan")
	if err := provision.WritePlanFile(planFile, &provision.Plan{FormatVersion: provision.FormatVersion}); err != nil {
		t.Fatal(err)
	}
	hcl := filepath.Join(dir, "main.hcl")
	if err := os.WriteFile(hcl, []byte(`cluster "x" {}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args    []string
		destroy bool
		want    bool
	}{
		"plan file":              {args: []string{planFile}, want: true},
		"configuration file":     {args: []string{hcl}},
		"directory":              {args: []string{dir}},
		"two files":              {args: []string{planFile, hcl}},
		"destroy never uses one": {args: []string{planFile}, destroy: true},
		"missing":                {args: []string{filepath.Join(dir, "nope")}},
		"no args":                {},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := savedPlan(tt.args, tt.destroy)
			if err != nil {
				t.Fatal(err)
			}
			if got := p != nil; got != tt.want {
				t.Errorf("savedPlan(%v) = %v, want a plan: %v", tt.args, p, tt.want)
			}
		})
	}
}

func TestApplyRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	planFile := filepath.Join(dir, "demo.plan")
	if err := provision.WritePlanFile(planFile, &provision.Plan{FormatVersion: provision.FormatVersion}); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args []string
		want string
	}{
		"parallelism":         {args: []string{"apply", "--parallelism", "0"}, want: "--parallelism must be at least 1"},
		"vars with a plan":    {args: []string{"apply", "--var", "a=b", planFile}, want: "cannot be used with a saved plan"},
		"adopt with a plan":   {args: []string{"apply", "--adopt", planFile}, want: "cannot be used with a saved plan"},
		"destroy parallelism": {args: []string{"destroy", "--parallelism", "-1"}, want: "--parallelism must be at least 1"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			root := newRootCommand()
			root.SetArgs(tt.args)
			root.SetOut(io.Discard)
			root.SetErr(io.Discard)
			err := root.Execute()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// emptyEKS and emptyIAM are an AWS account with nothing in it, for the
// reads of a plan; any other call panics on the nil interface.
type emptyEKS struct {
	provision.EKSAPI
	calls *int
}

func (f emptyEKS) DescribeClusterVersions(context.Context, *eks.DescribeClusterVersionsInput, ...func(*eks.Options)) (*eks.DescribeClusterVersionsOutput, error) {
	*f.calls++
	return &eks.DescribeClusterVersionsOutput{}, nil
}

func (f emptyEKS) DescribeCluster(context.Context, *eks.DescribeClusterInput, ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	*f.calls++
	return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found")}
}

func (f emptyEKS) ListNodegroups(context.Context, *eks.ListNodegroupsInput, ...func(*eks.Options)) (*eks.ListNodegroupsOutput, error) {
	*f.calls++
	return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found")}
}

func (f emptyEKS) ListClusters(context.Context, *eks.ListClustersInput, ...func(*eks.Options)) (*eks.ListClustersOutput, error) {
	return &eks.ListClustersOutput{}, nil
}

func (f emptyEKS) ListUpdates(context.Context, *eks.ListUpdatesInput, ...func(*eks.Options)) (*eks.ListUpdatesOutput, error) {
	return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found")}
}

func (f emptyEKS) ListFargateProfiles(context.Context, *eks.ListFargateProfilesInput, ...func(*eks.Options)) (*eks.ListFargateProfilesOutput, error) {
	*f.calls++
	return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found")}
}

func (f emptyEKS) ListPodIdentityAssociations(context.Context, *eks.ListPodIdentityAssociationsInput, ...func(*eks.Options)) (*eks.ListPodIdentityAssociationsOutput, error) {
	*f.calls++
	return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found")}
}

func (f emptyEKS) ListAddons(context.Context, *eks.ListAddonsInput, ...func(*eks.Options)) (*eks.ListAddonsOutput, error) {
	*f.calls++
	return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found")}
}

func (f emptyEKS) ListAccessEntries(context.Context, *eks.ListAccessEntriesInput, ...func(*eks.Options)) (*eks.ListAccessEntriesOutput, error) {
	*f.calls++
	return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found")}
}

func (f emptyEKS) ListAccessPolicies(context.Context, *eks.ListAccessPoliciesInput, ...func(*eks.Options)) (*eks.ListAccessPoliciesOutput, error) {
	*f.calls++
	return &eks.ListAccessPoliciesOutput{}, nil
}

// emptyEC2 is an EC2 without launch templates.
type emptyEC2 struct{ provision.EC2API }

func (emptyEC2) DescribeLaunchTemplates(context.Context, *ec2.DescribeLaunchTemplatesInput, ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplatesOutput, error) {
	return &ec2.DescribeLaunchTemplatesOutput{}, nil
}

func (emptyEC2) DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	return &ec2.DescribeSubnetsOutput{}, nil
}

// emptyAutoScaling is an Auto Scaling without groups.
type emptyAutoScaling struct{ provision.AutoScalingAPI }

func (emptyAutoScaling) DescribeAutoScalingGroups(context.Context, *autoscaling.DescribeAutoScalingGroupsInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	return &autoscaling.DescribeAutoScalingGroupsOutput{}, nil
}

type emptyIAM struct {
	provision.IAMAPI
	calls *int
}

func (f emptyIAM) ListInstanceProfiles(context.Context, *iam.ListInstanceProfilesInput, ...func(*iam.Options)) (*iam.ListInstanceProfilesOutput, error) {
	*f.calls++
	return &iam.ListInstanceProfilesOutput{}, nil
}

func (f emptyIAM) GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	*f.calls++
	return nil, &iamtypes.NoSuchEntityException{Message: aws.String("no such role")}
}

func (f emptyIAM) ListRoles(context.Context, *iam.ListRolesInput, ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	*f.calls++
	return &iam.ListRolesOutput{}, nil
}

func (f emptyIAM) ListOpenIDConnectProviders(context.Context, *iam.ListOpenIDConnectProvidersInput, ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error) {
	*f.calls++
	return &iam.ListOpenIDConnectProvidersOutput{}, nil
}

// fakeAWS makes the CLI's clients an empty account and returns the count
// of AWS calls made.
func fakeAWS(t *testing.T) *int {
	t.Helper()
	calls := new(int)
	old := newClientsFactory
	t.Cleanup(func() { newClientsFactory = old })
	params := newMemSSM()
	newClientsFactory = func(context.Context, provision.AWSOptions) (provision.ClientsFactory, error) {
		return func(string) (*provision.Clients, error) {
			return &provision.Clients{EKS: emptyEKS{calls: calls}, IAM: emptyIAM{calls: calls}, EC2: emptyEC2{}, AutoScaling: emptyAutoScaling{}, SSM: params}, nil
		}, nil
	}
	return calls
}

// memSSM is a parameter store for the locks (PutParameter with
// Overwrite=false refuses an existing name, as SSM does).
type memSSM struct {
	provision.SSMAPI
	mu     *sync.Mutex
	params map[string]string
}

func newMemSSM() memSSM { return memSSM{mu: &sync.Mutex{}, params: map[string]string{}} }

func (m memSSM) PutParameter(_ context.Context, in *ssm.PutParameterInput, _ ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.params[aws.ToString(in.Name)]; ok && !aws.ToBool(in.Overwrite) {
		return nil, &ssmtypes.ParameterAlreadyExists{Message: aws.String("The parameter already exists.")}
	}
	m.params[aws.ToString(in.Name)] = aws.ToString(in.Value)
	return &ssm.PutParameterOutput{}, nil
}

func (m memSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.params[aws.ToString(in.Name)]
	if !ok {
		return nil, &ssmtypes.ParameterNotFound{}
	}
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Value: aws.String(v)}}, nil
}

func (m memSSM) DeleteParameter(_ context.Context, in *ssm.DeleteParameterInput, _ ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.params[aws.ToString(in.Name)]; !ok {
		return nil, &ssmtypes.ParameterNotFound{}
	}
	delete(m.params, aws.ToString(in.Name))
	return &ssm.DeleteParameterOutput{}, nil
}

// Without a terminal and without --auto-approve, apply refuses before it
// prints a plan nobody can approve; with nothing to do it needs no approval
// (destroy of an empty account is a no-op).
func TestApplyWithoutTerminalRefusesBeforeShowingThePlan(t *testing.T) {
	defer func(f func(io.Reader) bool) { stdinIsTerminal = f }(stdinIsTerminal)
	stdinIsTerminal = func(io.Reader) bool { return false }
	t.Setenv("EKSCTL_LITE_POLL_INTERVAL", "")

	calls := fakeAWS(t)
	stdout, stderr, code := runPlanCLI(t, "apply", "../../examples/minimal")
	if code != 1 || !strings.Contains(stderr, "eksctl-lite apply asks for confirmation, but standard input is not a terminal") {
		t.Errorf("apply: exit %d, stderr %q", code, stderr)
	}
	if stdout != "" {
		t.Errorf("apply printed the plan before refusing:\n%s", stdout)
	}
	if *calls == 0 {
		t.Error("the fake AWS was never read: the test proves nothing")
	}

	stdout, stderr, code = runPlanCLI(t, "destroy", "../../examples/minimal")
	if code != 0 || !strings.Contains(stdout, "No changes.") {
		t.Errorf("destroy with nothing to destroy: exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
}
