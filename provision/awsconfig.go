package provision

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// LoadAWSConfig loads the AWS configuration as NewClientsFactory does (the
// same chain of profiles, SSO, environment variables and AWS_ENDPOINT_URL,
// the same overrides of opts, retry policy, per-attempt timeout and SDK
// logging), for a caller that needs the aws.Config itself: eksctl-lite
// token builds an STS client from it. A call that finds no credentials
// fails with a CredentialsError, as the clients of NewClientsFactory do.
func LoadAWSConfig(ctx context.Context, opts AWSOptions) (aws.Config, error) {
	return loadAWSConfig(ctx, opts)
}
