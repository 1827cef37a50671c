package provision

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
)

// LoadAWSConfig loads the AWS configuration as NewClientsFactory does (the
// same chain of profiles, SSO, environment variables and AWS_ENDPOINT_URL,
// the same overrides of opts, retry policy, per-attempt timeout and SDK
// logging), for a caller that needs the aws.Config itself: eksctl-lite
// token builds an STS client from it. A call that finds no credentials
// fails with a CredentialsError, as the clients of NewClientsFactory do.
func LoadAWSConfig(ctx context.Context, opts AWSOptions) (aws.Config, error) {
	callTimeout := opts.CallTimeout
	if callTimeout <= 0 {
		callTimeout = DefaultCallTimeout
	}
	load := []func(*config.LoadOptions) error{
		config.WithRetryer(newRetryer(callTimeout)),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(callTimeout)),
	}
	load = append(load, sdkLogging(os.Getenv("EKSCTL_LITE_AWS_DEBUG") != "")...)
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.EndpointURL != "" {
		load = append(load, config.WithBaseEndpoint(opts.EndpointURL))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	cfg.Credentials = withCredentialsErrors(cfg.Credentials)
	return cfg, nil
}
