package provision

// The fake account's Systems Manager public parameters: the recommended
// AMIs of EKS and Bottlerocket (ami.go's paths, as the emulator publishes
// them in integration/emulator/ssm_eks_ami.py), for every family of
// amiFamilies and every Kubernetes version from 1.28 to 1.40. Each AMI ID
// is derived from the region and the parameter's name, the same on every
// run; publishAMI replaces one (a newer recommended AMI).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
)

type fakeSSM struct {
	a      *fakeAccount
	region string
}

var _ SSMAPI = (*fakeSSM)(nil)

// fakeAMIID is the AMI a public parameter names in region unless a test
// published another.
func fakeAMIID(region, name string) string {
	sum := sha256.Sum256([]byte(region + "/" + name))
	return "ami-0" + hex.EncodeToString(sum[:8])
}

// publicAMIParameters are the names of the recommended AMI parameters.
func publicAMIParameters() map[string]bool {
	out := map[string]bool{}
	for minor := 28; minor <= 40; minor++ {
		for family := range amiFamilies {
			if name, err := amiParameter(family, fmt.Sprintf("1.%d", minor)); err == nil {
				out[name] = true
			}
		}
	}
	return out
}

func (f *fakeSSM) GetParameters(_ context.Context, in *ssm.GetParametersInput, _ ...func(*ssm.Options)) (*ssm.GetParametersOutput, error) {
	return eksCall(f.a, "GetParameters", "", func() (*ssm.GetParametersOutput, error) {
		if len(in.Names) == 0 || len(in.Names) > 10 {
			return nil, &smithy.GenericAPIError{Code: "ValidationException", Message: fmt.Sprintf(
				"1 validation error detected: Value '%v' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10, Member must have length greater than or equal to 1", in.Names)}
		}
		known := publicAMIParameters()
		out := &ssm.GetParametersOutput{}
		var seen []string
		for _, name := range in.Names {
			if slices.Contains(seen, name) {
				continue
			}
			seen = append(seen, name)
			id, published := f.a.amis[name]
			if !published && !known[name] {
				// "Parameters that can't be found or that the caller isn't
				// allowed to see" are listed, not an error (GetParameters).
				out.InvalidParameters = append(out.InvalidParameters, name)
				continue
			}
			version := int64(1)
			if published {
				version = 2
			} else {
				id = fakeAMIID(f.region, name)
			}
			out.Parameters = append(out.Parameters, ssmtypes.Parameter{Name: aws.String(name), Value: aws.String(id), Version: version,
				Type: ssmtypes.ParameterTypeString, DataType: aws.String("aws:ec2:image"),
				ARN: aws.String("arn:aws:ssm:" + f.region + "::parameter" + name)})
		}
		return out, nil
	})
}

// publishAMI makes the public parameter name hold id in every region, as
// when EKS publishes a newer recommended AMI.
func (a *fakeAccount) publishAMI(name, id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.amis[name] = id
}

// The account's own parameters (the lock backend, lock.go): PutParameter
// with Overwrite=false refuses an existing name atomically, as SSM does.

func (f *fakeSSM) params() map[string]string {
	r := f.a.in(f.region)
	if r.params == nil {
		r.params = map[string]string{}
	}
	return r.params
}

func (f *fakeSSM) PutParameter(_ context.Context, in *ssm.PutParameterInput, _ ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	return eksCall(f.a, "PutParameter", aws.ToString(in.Name), func() (*ssm.PutParameterOutput, error) {
		name := aws.ToString(in.Name)
		if _, ok := f.params()[name]; ok && !aws.ToBool(in.Overwrite) {
			return nil, &ssmtypes.ParameterAlreadyExists{Message: aws.String("The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")}
		}
		f.params()[name] = aws.ToString(in.Value)
		f.a.record("PutParameter %s", name)
		return &ssm.PutParameterOutput{Version: 1}, nil
	})
}

func (f *fakeSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	return eksCall(f.a, "GetParameter", aws.ToString(in.Name), func() (*ssm.GetParameterOutput, error) {
		v, ok := f.params()[aws.ToString(in.Name)]
		if !ok {
			return nil, &ssmtypes.ParameterNotFound{}
		}
		return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Value: aws.String(v)}}, nil
	})
}

func (f *fakeSSM) DeleteParameter(_ context.Context, in *ssm.DeleteParameterInput, _ ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error) {
	return eksCall(f.a, "DeleteParameter", aws.ToString(in.Name), func() (*ssm.DeleteParameterOutput, error) {
		name := aws.ToString(in.Name)
		if _, ok := f.params()[name]; !ok {
			return nil, &ssmtypes.ParameterNotFound{}
		}
		delete(f.params(), name)
		f.a.record("DeleteParameter %s", name)
		return &ssm.DeleteParameterOutput{}, nil
	})
}
