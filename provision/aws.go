package provision

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	awspricing "github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
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
	// CallTimeout bounds one attempt of one AWS call; 0 is
	// DefaultCallTimeout.
	CallTimeout time.Duration
}

// AWSTimeouts bound how long eksctl-lite waits for AWS to answer.
type AWSTimeouts struct {
	// Call bounds one attempt of one AWS call, from sending the request to
	// reading the whole answer (EKSCTL_LITE_TIMEOUT_AWS_CALL).
	Call time.Duration
	// Plan bounds the reading of AWS for a plan, every call together
	// (EKSCTL_LITE_TIMEOUT_PLAN): plan, the planning of apply and destroy,
	// and the re-reading of a saved plan.
	Plan time.Duration
}

// Environment variables of AWSTimeouts and their defaults.
//
// Every EKS and IAM call eksctl-lite makes answers within a second or two
// when AWS is healthy: creates and deletes only start the work (apply then
// polls with Describe calls, each its own short call, until the resource is
// ready, bounded by the EKSCTL_LITE_TIMEOUT_<KIND> waits). One minute per
// attempt is what the AWS CLI waits too (its default read timeout), so a
// call is given up only when the endpoint clearly does not answer. A plan
// reads at most a few hundred resources, in seconds; fifteen minutes
// leaves room for heavy throttling and still ends a run that would
// otherwise never end.
const (
	EnvCallTimeout     = "EKSCTL_LITE_TIMEOUT_AWS_CALL"
	EnvPlanTimeout     = "EKSCTL_LITE_TIMEOUT_PLAN"
	DefaultCallTimeout = 60 * time.Second
	DefaultPlanTimeout = 15 * time.Minute
)

// AWSTimeoutsFromEnv reads AWSTimeouts from environ (KEY=value pairs),
// with the defaults for what is not set; a value that is not a positive
// duration is an error naming the variable.
func AWSTimeoutsFromEnv(environ []string) (AWSTimeouts, error) {
	t := AWSTimeouts{Call: DefaultCallTimeout, Plan: DefaultPlanTimeout}
	var errs []error
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		var dst *time.Duration
		switch k {
		case EnvCallTimeout:
			dst = &t.Call
		case EnvPlanTimeout:
			dst = &t.Plan
		default:
			continue
		}
		if v == "" {
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q is not a positive duration such as 30s or 5m", k, v))
			continue
		}
		*dst = d
	}
	return t, errors.Join(errs...)
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
//
// A call that cannot reach the endpoint at all (connection refused, no such
// host, no route: any failure to dial) is different: AWS did not throttle
// it, and waiting a minute will not start an emulator or fix a typo in
// --endpoint-url. Such a call is tried connectMaxAttempts times in all, a
// connectBackoff apart (growing linearly), so that a dead endpoint fails in
// about a second rather than after ten attempts with exponential backoff.
// An endpoint URL Go cannot even send a request to is not retried at all.
//
// An attempt that gets no answer within the per-attempt timeout (the
// endpoint accepts the connection and then says nothing: a hung proxy or
// emulator, a black-holed network) is tried NoAnswerMaxAttempts times in
// all: once more covers a lost packet, and ten attempts of a minute each
// would only turn one hang into a longer one.
const (
	maxAttempts        = 10
	maxBackoff         = 20 * time.Second
	connectMaxAttempts = 3
	connectBackoff     = 200 * time.Millisecond
)

// NoAnswerMaxAttempts is how many times in all a call that gets no answer
// is tried.
const NoAnswerMaxAttempts = 2

// newRetryer returns the retry policy above, for config.WithRetryer;
// callTimeout is the per-attempt timeout, for the error of a call that got
// no answer.
func newRetryer(callTimeout time.Duration) func() aws.Retryer {
	return func() aws.Retryer { return newCallRetryer(callTimeout) }
}

func newCallRetryer(callTimeout time.Duration) *dialFailFast {
	std := retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = maxBackoff
		o.RateLimiter = ratelimit.None
		// First in the list, so that it decides before the SDK's own
		// connection-error check, which retries everything it cannot send.
		o.Retryables = append([]retry.IsErrorRetryable{
			retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
				if isBadEndpointError(err) {
					return aws.FalseTernary
				}
				return aws.UnknownTernary
			}),
		}, o.Retryables...)
	})
	return &dialFailFast{RetryerV2: std, callTimeout: callTimeout}
}

// dialFailFast gives up on a call that could not connect after
// connectMaxAttempts attempts, and on one that got no answer after
// NoAnswerMaxAttempts, with short pauses; every other error gets the
// standard retryer's attempts and backoff.
type dialFailFast struct {
	aws.RetryerV2
	callTimeout time.Duration
}

func (r *dialFailFast) RetryDelay(attempt int, err error) (time.Duration, error) {
	if isTimeout(err) {
		if attempt >= NoAnswerMaxAttempts {
			return 0, &NoAnswerError{Endpoint: endpointOf(err), Timeout: r.callTimeout, Attempts: attempt, Err: err}
		}
		return connectBackoff, nil
	}
	if !IsConnectError(err) {
		return r.RetryerV2.RetryDelay(attempt, err)
	}
	if attempt >= connectMaxAttempts {
		// Returned as the call's error: it must still say what failed.
		return 0, &retry.MaxAttemptsError{Attempt: attempt, Err: err}
	}
	return time.Duration(attempt) * connectBackoff, nil
}

// NoAnswerError is a call whose every attempt got no answer within the
// per-attempt timeout.
type NoAnswerError struct {
	Endpoint string        // scheme://host the call went to, "" when unknown
	Timeout  time.Duration // the per-attempt timeout
	Attempts int
	Err      error // the last attempt's error
}

func (e *NoAnswerError) Error() string {
	where := ""
	if e.Endpoint != "" {
		where = " from " + e.Endpoint
	}
	return fmt.Sprintf("no answer%s within %v (%s), %d attempts: %v", where, e.Timeout, EnvCallTimeout, e.Attempts, e.Err)
}

func (e *NoAnswerError) Unwrap() error { return e.Err }

// IsNoAnswer reports whether err is a call that timed out waiting for the
// endpoint (a NoAnswerError, or one attempt's timeout), not one that AWS
// answered with an error. The end of the caller's own context (an
// interrupt, the plan's time bound) is not.
func IsNoAnswer(err error) bool {
	var na *NoAnswerError
	if errors.As(err, &na) {
		return true
	}
	// The SDK reports the end of the caller's context so; the HTTP client's
	// own timeout error also matches context.DeadlineExceeded, so errors.Is
	// cannot tell the two apart.
	var canceled *smithy.CanceledError
	var reqCanceled *aws.RequestCanceledError
	return isTimeout(err) && !errors.As(err, &canceled) && !errors.As(err, &reqCanceled)
}

// isTimeout reports whether err is an attempt that timed out: the HTTP
// client's per-attempt timeout, or a dial or read timeout of the network.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// endpointOf is the scheme://host of the request that failed with err.
func endpointOf(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return ""
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// EndpointOf returns the endpoint (scheme://host) a failed AWS call went
// to, "" when err does not say.
func EndpointOf(err error) string {
	var na *NoAnswerError
	if errors.As(err, &na) && na.Endpoint != "" {
		return na.Endpoint
	}
	return endpointOf(err)
}

// IsConnectError reports whether err is a failure to connect to the
// endpoint at all: the request never reached AWS (or the emulator), so the
// fix is the endpoint or the network, never credentials or permissions.
func IsConnectError(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isBadEndpointError reports whether err says the request could not even be
// built or sent because of the endpoint URL itself (no scheme, a scheme other
// than http or https, no host). Retrying cannot help. Go's HTTP client has
// no typed error for these, so the URL the failed request was for is
// judged, not the error's wording.
func isBadEndpointError(err error) bool {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return false
	}
	u, perr := url.Parse(ue.URL)
	return perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == ""
}

// NewClientsFactory loads the AWS configuration once (config.LoadDefaultConfig,
// so profiles, SSO, environment variables and AWS_ENDPOINT_URL all work) and
// returns a factory of per-region clients.
func NewClientsFactory(ctx context.Context, opts AWSOptions) (ClientsFactory, error) {
	// withRetryNotices: apply's progress says when a call is being
	// retried (retry_notice.go).
	cfg, err := loadAWSConfig(ctx, opts, withRetryNotices)
	if err != nil {
		return nil, err
	}
	return newFactory(cfg), nil
}

// loadAWSConfig loads the AWS configuration chain with opts' overrides,
// eksctl-lite's retry policy and per-attempt timeout, the SDK's logging
// as EKSCTL_LITE_AWS_DEBUG says, and extra.
func loadAWSConfig(ctx context.Context, opts AWSOptions, extra ...func(*config.LoadOptions) error) (aws.Config, error) {
	callTimeout := opts.CallTimeout
	if callTimeout <= 0 {
		callTimeout = DefaultCallTimeout
	}
	load := []func(*config.LoadOptions) error{
		config.WithRetryer(newRetryer(callTimeout)),
		// The HTTP client's timeout bounds each attempt, from sending the
		// request to reading the whole answer; without it a call to an
		// endpoint that accepts the connection and never answers waits
		// forever.
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(callTimeout)),
	}
	load = append(load, extra...)
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
	// A call that finds no credentials fails with a CredentialsError, so
	// that ClassifyAWSError need not read the SDK's text (awserr.go).
	cfg.Credentials = withCredentialsErrors(cfg.Credentials)
	return cfg, nil
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
		c := &Clients{EKS: eks.NewFromConfig(rc), IAM: iam.NewFromConfig(rc), EC2: ec2.NewFromConfig(rc),
			AutoScaling: autoscaling.NewFromConfig(rc), SSM: ssm.NewFromConfig(rc),
			Pricing: awspricing.NewFromConfig(rc, func(o *awspricing.Options) { o.Region = PriceListRegion }),
			S3:      s3.NewFromConfig(rc, func(o *s3.Options) { o.UsePathStyle = rc.BaseEndpoint != nil })}
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
