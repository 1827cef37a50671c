package provision

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// sdkCallError wraps err the way the SDK returns a failed call: an
// operation error around the retryer's give-up around the HTTP response
// error (status 0 when nothing was sent).
func sdkCallError(service, op string, status int, err error) error {
	return &smithy.OperationError{ServiceID: service, OperationName: op, Err: &retry.MaxAttemptsError{Attempt: 3,
		Err: &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}}}}
}

// sendFailed is the SDK's error for a request that could not be sent to
// rawURL because of the network error err.
func sendFailed(method, rawURL string, err error) error {
	return &smithyhttp.RequestSendError{Err: &url.Error{Op: method, URL: rawURL, Err: err}}
}

func refusedDial(addr string) error {
	a, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		panic(err)
	}
	return &net.OpError{Op: "dial", Net: "tcp", Addr: a, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

// noCredentials is a call that the credential chain gave nothing to sign
// with, wrapped as the SDK's identity middleware wraps it.
func noCredentials(service, op string, err error) error {
	return &smithy.OperationError{ServiceID: service, OperationName: op,
		Err: fmt.Errorf("get identity: %w", fmt.Errorf("get credentials: %w", &CredentialsError{Err: err}))}
}

// Each cause is told by the SDK's types, whatever the text says around
// it; errors that are none of them are not classified.
func TestClassifyAWSError(t *testing.T) {
	refused := sdkCallError("EKS", "DescribeCluster", 0, sendFailed("Get", "http://127.0.0.1:1/clusters/full", refusedDial("127.0.0.1:1")))
	noHost := sdkCallError("EKS", "DescribeCluster", 0, sendFailed("Get", "https://eks.us-east-1.amazonaws.com/clusters/full",
		&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "eks.us-east-1.amazonaws.com", IsNotFound: true}}))
	timedOut := sdkCallError("IAM", "ListRoles", 0, sendFailed("Post", "http://127.0.0.1:9/",
		&net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}))
	imds := fmt.Errorf("failed to refresh cached credentials, %w", fmt.Errorf("no EC2 IMDS role found, %w",
		&smithy.OperationError{ServiceID: "ec2imds", OperationName: "GetMetadata", Err: errors.New("access disabled to EC2 IMDS")}))
	apiError := func(code string) error {
		return sdkCallError("IAM", "ListRoles", 403, &smithy.GenericAPIError{Code: code, Message: "not allowed"})
	}
	tests := map[string]struct {
		give error
		want Cause // Kind 0: not classified
	}{
		"connection refused": {give: refused,
			want: Cause{Kind: CannotConnect, Endpoint: "http://127.0.0.1:1", Detail: "dial tcp 127.0.0.1:1: connect: connection refused"}},
		"no such host, wrapped by the planner": {give: fmt.Errorf("reading cluster %q: %w", "full", noHost),
			want: Cause{Kind: CannotConnect, Endpoint: "https://eks.us-east-1.amazonaws.com", Detail: "dial tcp: lookup eks.us-east-1.amazonaws.com: no such host"}},
		"no answer after the retries": {give: &NoAnswerError{Endpoint: "http://127.0.0.1:9", Timeout: time.Second, Attempts: 2, Err: timedOut},
			want: Cause{Kind: NoAnswer, Endpoint: "http://127.0.0.1:9"}},
		"one attempt timed out": {give: timedOut,
			want: Cause{Kind: NoAnswer, Endpoint: "http://127.0.0.1:9"}},
		"no credentials": {give: noCredentials("EKS", "DescribeCluster", imds),
			want: Cause{Kind: NoCredentials, Detail: "failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, access disabled to EC2 IMDS"}},
		"the credential chain could not connect": {give: noCredentials("EKS", "DescribeCluster", sendFailed("Post", "https://oidc.us-east-1.amazonaws.com/token", refusedDial("127.0.0.1:443"))),
			want: Cause{Kind: CannotConnect, Endpoint: "https://oidc.us-east-1.amazonaws.com", Detail: "dial tcp 127.0.0.1:443: connect: connection refused"}},
		"unknown access key":   {give: apiError("InvalidClientTokenId"), want: Cause{Kind: InvalidCredentials}},
		"expired token (EKS)":  {give: apiError("ExpiredTokenException"), want: Cause{Kind: InvalidCredentials}},
		"access denied (IAM)":  {give: apiError("AccessDenied"), want: Cause{Kind: AccessDenied}},
		"access denied (EKS)":  {give: fmt.Errorf("reading cluster: %w", &ekstypes.AccessDeniedException{Message: aws.String("no")}), want: Cause{Kind: AccessDenied}},
		"throttled (IAM)":      {give: apiError("Throttling"), want: Cause{Kind: Throttled}},
		"throttled (EKS)":      {give: &ekstypes.ThrottlingException{Message: aws.String("slow down")}, want: Cause{Kind: Throttled}},
		"not found":            {give: &ekstypes.ResourceNotFoundException{Message: aws.String("no cluster")}},
		"other API error":      {give: apiError("ValidationError")},
		"interrupted":          {give: sdkCallError("EKS", "DescribeCluster", 0, &smithy.CanceledError{Err: context.Canceled})},
		"plan time bound":      {give: &aws.RequestCanceledError{Err: context.DeadlineExceeded}},
		"text is not evidence": {give: errors.New(`request send failed, Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused; get credentials: failed to retrieve credentials`)},
		"nil":                  {give: nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := ClassifyAWSError(tt.give)
			if ok != (tt.want.Kind != 0) {
				t.Errorf("classified %v, want %v (%+v)", ok, tt.want.Kind != 0, got)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("cause (-want +got):\n%s", diff)
			}
		})
	}
}

// A real client with no credentials anywhere fails its call, before
// sending anything, with an error classified NoCredentials, and its text
// is still the SDK's.
func TestClientsWithoutCredentials(t *testing.T) {
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	f, err := NewClientsFactory(context.Background(), AWSOptions{Region: "us-east-1", EndpointURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f("")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.EKS.DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: aws.String("demo")})
	got, ok := ClassifyAWSError(err)
	if !ok || got.Kind != NoCredentials {
		t.Fatalf("classified %+v, %v, want NoCredentials: %v", got, ok, err)
	}
	if !strings.Contains(err.Error(), "get identity: get credentials: "+got.Detail) || got.Detail == "" {
		t.Errorf("error %q does not end with the chain's own %q", err, got.Detail)
	}
}

type sourcedProvider struct{ aws.CredentialsProviderFunc }

func (sourcedProvider) ProviderSources() []aws.CredentialSource {
	return []aws.CredentialSource{aws.CredentialSourceProfile}
}

// The marking provider stays, for the SDK's checks, the provider it
// wraps: anonymous credentials still send unsigned calls, and the
// credential sources still reach the User-Agent.
func TestCredentialsErrorsKeepsTheProvider(t *testing.T) {
	if !aws.IsCredentialsProvider(withCredentialsErrors(aws.AnonymousCredentials{}), (*aws.AnonymousCredentials)(nil)) {
		t.Error("anonymous credentials are no longer anonymous")
	}
	p := withCredentialsErrors(sourcedProvider{})
	src, ok := p.(aws.CredentialProviderSource)
	if !ok || !cmp.Equal(src.ProviderSources(), []aws.CredentialSource{aws.CredentialSourceProfile}) {
		t.Errorf("credential sources lost: %T", p)
	}
	if withCredentialsErrors(nil) != nil {
		t.Error("no provider became one")
	}
}
