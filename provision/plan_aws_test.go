package provision

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestClientsFactoryRegions(t *testing.T) {
	f := newFactory(aws.Config{Region: "eu-west-1"})
	c1, err := f("")
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := f.DefaultRegion(); r != "eu-west-1" {
		t.Errorf("DefaultRegion = %q", r)
	}
	if c2, _ := f("eu-west-1"); c2 != c1 {
		t.Error("clients are not cached per region")
	}
	c3, _ := f("us-east-1")
	if c3 == c1 || clientsRegion(c3, "") != "us-east-1" {
		t.Error("another region must get its own clients")
	}
	_, err = newFactory(aws.Config{})("")
	if err == nil || !strings.Contains(err.Error(), "--region") {
		t.Errorf("no region: err = %v, want one saying how to set a region", err)
	}
}

// SDK log lines must not interleave with plan and apply output unless asked for.
func TestSDKLoggingQuietUnlessDebug(t *testing.T) {
	for debug, wantNop := range map[bool]bool{false: true, true: false} {
		var o config.LoadOptions
		for _, f := range sdkLogging(debug) {
			if err := f(&o); err != nil {
				t.Fatal(err)
			}
		}
		_, isNop := o.Logger.(logging.Nop)
		if isNop != wantNop {
			t.Errorf("debug=%v: logger %T, want Nop=%v", debug, o.Logger, wantNop)
		}
		if debug && o.ClientLogMode == nil {
			t.Errorf("debug=%v: no client log mode set, retries would not be logged", debug)
		}
	}
}

// fakeTransport answers every HTTP request with err (or, when err is nil, an
// HTTP status), counting the attempts; nothing touches the network.
type fakeTransport struct {
	err      error
	status   int
	attempts int
}

func (f *fakeTransport) Do(req *http.Request) (*http.Response, error) {
	f.attempts++
	if f.err != nil {
		return nil, &url.Error{Op: req.Method, URL: req.URL.String(), Err: f.err}
	}
	return &http.Response{StatusCode: f.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
}

// A call that cannot connect fails after connectMaxAttempts quick attempts,
// not after ten with exponential backoff; an unusable endpoint URL is not
// retried at all. The error still says what happened.
func TestRetryFailsFastWhenTheEndpointCannotBeReached(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	noHost := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "eks.nowhere.invalid", IsNotFound: true}}
	tests := map[string]struct {
		err          error
		wantAttempts int
		wantInErr    string
		connectErr   bool
		noAnswer     bool
		endpoint     string // default http://127.0.0.1:1
	}{
		"connection refused": {err: refused, wantAttempts: connectMaxAttempts, wantInErr: "connection refused", connectErr: true},
		"no such host":       {err: noHost, wantAttempts: 1, wantInErr: "no such host", connectErr: true}, // the SDK never retries a name that does not exist
		"bad scheme":         {err: errors.New(`unsupported protocol scheme "htp"`), wantAttempts: 1, wantInErr: "unsupported protocol scheme", endpoint: "htp://127.0.0.1:1"},
		"no answer": {err: attemptTimeout{}, wantAttempts: NoAnswerMaxAttempts, noAnswer: true,
			wantInErr: "no answer from http://127.0.0.1:1 within 1m0s (EKSCTL_LITE_TIMEOUT_AWS_CALL), 2 attempts"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			tr := &fakeTransport{err: tt.err}
			endpoint := "http://127.0.0.1:1"
			if tt.endpoint != "" {
				endpoint = tt.endpoint
			}
			client := eks.NewFromConfig(aws.Config{
				Region:       "us-east-1",
				Retryer:      newRetryer(time.Minute),
				HTTPClient:   tr,
				BaseEndpoint: aws.String(endpoint),
				Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
					return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
				}),
			})
			start := time.Now()
			_, err := client.DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: aws.String("x")})
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("gave up after %v, want about a second at most", elapsed)
			}
			if tr.attempts != tt.wantAttempts {
				t.Errorf("%d attempts, want %d", tr.attempts, tt.wantAttempts)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("err = %v, want it to say %q", err, tt.wantInErr)
			}
			if got := IsConnectError(err); got != tt.connectErr {
				t.Errorf("IsConnectError(%v) = %v, want %v", err, got, tt.connectErr)
			}
			if got := IsNoAnswer(err); got != tt.noAnswer {
				t.Errorf("IsNoAnswer(%v) = %v, want %v", err, got, tt.noAnswer)
			}
			if got := EndpointOf(err); tt.noAnswer && got != "http://127.0.0.1:1" {
				t.Errorf("EndpointOf(%v) = %q", err, got)
			}
		})
	}
}

// attemptTimeout is the HTTP client's error when an attempt gets no answer
// within its timeout.
type attemptTimeout struct{}

func (attemptTimeout) Error() string {
	return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
}
func (attemptTimeout) Timeout() bool   { return true }
func (attemptTimeout) Temporary() bool { return true }

// The end of the caller's own context (an interrupt, the plan's bound) is
// not an endpoint that does not answer.
func TestIsNoAnswerIsNotTheCallersDeadline(t *testing.T) {
	for name, err := range map[string]error{
		"canceled":          &smithy.CanceledError{Err: context.DeadlineExceeded},
		"canceled in sleep": &aws.RequestCanceledError{Err: context.DeadlineExceeded},
		"throttled":         &smithy.GenericAPIError{Code: "Throttling"},
	} {
		if IsNoAnswer(err) {
			t.Errorf("%s: IsNoAnswer(%v) = true", name, err)
		}
	}
}

func TestAWSTimeoutsFromEnv(t *testing.T) {
	tests := map[string]struct {
		env     []string
		want    AWSTimeouts
		wantErr string
	}{
		"defaults":     {want: AWSTimeouts{Call: 60 * time.Second, Plan: 15 * time.Minute}},
		"empty":        {env: []string{"EKSCTL_LITE_TIMEOUT_AWS_CALL="}, want: AWSTimeouts{Call: DefaultCallTimeout, Plan: DefaultPlanTimeout}},
		"set":          {env: []string{"EKSCTL_LITE_TIMEOUT_AWS_CALL=5s", "EKSCTL_LITE_TIMEOUT_PLAN=2m", "EKSCTL_LITE_TIMEOUT_IAM=x"}, want: AWSTimeouts{Call: 5 * time.Second, Plan: 2 * time.Minute}},
		"not a time":   {env: []string{"EKSCTL_LITE_TIMEOUT_AWS_CALL=60"}, wantErr: `EKSCTL_LITE_TIMEOUT_AWS_CALL="60" is not a positive duration such as 30s or 5m`},
		"not positive": {env: []string{"EKSCTL_LITE_TIMEOUT_PLAN=0s"}, wantErr: `EKSCTL_LITE_TIMEOUT_PLAN="0s" is not a positive duration`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := AWSTimeoutsFromEnv(tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("AWSTimeoutsFromEnv(%q) = %+v, %v; want %+v", tt.env, got, err, tt.want)
			}
		})
	}
}

// Throttling, 5xx and dropped connections keep the generous policy: every
// one of maxAttempts attempts is allowed, with the standard backoff.
func TestRetryStaysGenerousForThrottlingAnd5xx(t *testing.T) {
	r := newCallRetryer(time.Minute)
	if r.MaxAttempts() != maxAttempts {
		t.Fatalf("MaxAttempts = %d, want %d", r.MaxAttempts(), maxAttempts)
	}
	status := func(code int) error {
		return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}}, Err: errors.New("boom")}
	}
	for name, err := range map[string]error{
		"throttling":       &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"},
		"503":              status(503),
		"500":              status(500),
		"connection reset": &url.Error{Op: "Post", URL: "https://iam.amazonaws.com/", Err: &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}},
	} {
		if !r.IsErrorRetryable(err) {
			t.Errorf("%s: not retryable", name)
			continue
		}
		if _, derr := r.RetryDelay(maxAttempts-1, err); derr != nil {
			t.Errorf("%s: attempt %d may not retry: %v", name, maxAttempts-1, derr)
		}
	}
}

// The clients the CLI uses carry that retry policy.
func TestClientsFactoryUsesTheRetryPolicy(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	f, err := NewClientsFactory(context.Background(), AWSOptions{Region: "us-east-1", EndpointURL: "http://127.0.0.1:1", CallTimeout: 7 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f("")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.EKS.(*eks.Client).Options().Retryer.(*dialFailFast); !ok {
		t.Errorf("EKS retryer is %T, want *dialFailFast", c.EKS.(*eks.Client).Options().Retryer)
	}
	// Each attempt is bounded: without a timeout an endpoint that accepts
	// the connection and never answers hangs the call forever.
	hc, ok := c.EKS.(*eks.Client).Options().HTTPClient.(*awshttp.BuildableClient)
	if !ok || hc.GetTimeout() != 7*time.Second {
		t.Errorf("EKS HTTP client %T has no 7s per-attempt timeout", c.EKS.(*eks.Client).Options().HTTPClient)
	}
}
