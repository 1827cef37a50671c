package provision

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go/logging"
)

// AWSOptions are the command-line overrides of the AWS configuration chain.
// Empty fields leave the chain (profiles, AWS_REGION, AWS_ENDPOINT_URL, ...)
// to decide.
type AWSOptions struct {
	// Region is the default region for clusters that set none (--region).
	Region string
	// Profile is the shared config profile (--profile).
	Profile string
	// EndpointURL sends every call to one endpoint, e.g. an emulator
	// (--endpoint-url); AWS_ENDPOINT_URL does the same.
	EndpointURL string
}

// ClientsFactory returns the AWS clients for a region; "" means the
// configured default region. Clients are cached per region.
type ClientsFactory func(region string) (*Clients, error)

// Retry policy of every AWS call. EKS and IAM throttle bursts of reads
// (IAM's control plane especially), so calls retry up to maxAttempts times
// with exponential backoff capped at maxBackoff. The client-side retry quota
// is disabled: a plan of many resources legitimately sees many throttles at
// once, and giving up on a read because other reads were throttled only
// turns a slow plan into a failed one.
const (
	maxAttempts = 10
	maxBackoff  = 20 * time.Second
)

// NewClientsFactory loads the AWS configuration once (config.LoadDefaultConfig,
// so profiles, SSO, environment variables and AWS_ENDPOINT_URL all work) and
// returns a factory of per-region clients.
func NewClientsFactory(ctx context.Context, opts AWSOptions) (ClientsFactory, error) {
	load := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = maxAttempts
				o.MaxBackoff = maxBackoff
				o.RateLimiter = ratelimit.None
			})
		}),
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
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	return newFactory(cfg), nil
}

// sdkLogging keeps the SDK's own log lines (such as a warning that a closed
// connection could not be drained) out of plan and apply output, which CI
// logs and humans read; EKSCTL_LITE_AWS_DEBUG=1 brings them back, with every
// retry and request logged, for debugging a conversation with AWS.
func sdkLogging(debug bool) []func(*config.LoadOptions) error {
	if !debug {
		return []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	}
	return []func(*config.LoadOptions) error{
		config.WithLogger(logging.NewStandardLogger(os.Stderr)),
		config.WithClientLogMode(aws.LogRetries | aws.LogRequest | aws.LogResponse),
	}
}

func newFactory(cfg aws.Config) ClientsFactory {
	var (
		mu    sync.Mutex
		cache = map[string]*Clients{}
	)
	return func(region string) (*Clients, error) {
		if region == "" {
			region = cfg.Region
		}
		if region == "" {
			return nil, errNoRegion
		}
		mu.Lock()
		defer mu.Unlock()
		if c, ok := cache[region]; ok {
			return c, nil
		}
		rc := cfg.Copy()
		rc.Region = region
		c := &Clients{EKS: eks.NewFromConfig(rc), IAM: iam.NewFromConfig(rc)}
		cache[region] = c
		return c, nil
	}
}

var errNoRegion = errors.New("no AWS region is configured: set region in the cluster block, pass --region, or set AWS_REGION (or a region in your AWS profile)")

// DefaultRegion returns the region that clients("") talk to, or an error
// saying how to configure one.
func (f ClientsFactory) DefaultRegion() (string, error) {
	c, err := f("")
	if err != nil {
		return "", err
	}
	return clientsRegion(c, ""), nil
}

// regioner is satisfied by the SDK clients, whose options know their region.
type regioner interface {
	Options() eks.Options
}

// clientsRegion is the region c talks to: asked when it is not empty, else
// the region of the real SDK client (fakes in tests may report one too).
func clientsRegion(c *Clients, asked string) string {
	if asked != "" {
		return asked
	}
	if r, ok := c.EKS.(regioner); ok {
		return r.Options().Region
	}
	return ""
}

// resolveRegion returns the clients and the concrete region for a cluster's
// region setting ("" = the default region).
func resolveRegion(clients ClientsFactory, region string) (*Clients, string, error) {
	c, err := clients(region)
	if err != nil {
		return nil, "", err
	}
	r := clientsRegion(c, region)
	if r == "" {
		return nil, "", errNoRegion
	}
	return c, r, nil
}
