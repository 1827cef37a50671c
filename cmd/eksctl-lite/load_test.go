package main

import (
	"errors"
	"fmt"
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

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

// offlineAWS leaves the AWS configuration valid in form but unable to sign
// a call (no credentials, no IMDS), so nothing is ever sent: a test that
// must not reach AWS sees "No AWS credentials found" if it does.
func offlineAWS(t *testing.T) {
	t.Helper()
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "missing-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "missing-credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("EKSCTL_LITE_POLL_INTERVAL", "")
}

// savedAndJSONPlans writes a saved plan and a plan --json output into dir.
func savedAndJSONPlans(t *testing.T, dir string) (saved, asJSON string) {
	t.Helper()
	plan := &provision.Plan{FormatVersion: provision.FormatVersion}
	saved = filepath.Join(dir, "demo.plan")
	if err := provision.WritePlanFile(saved, plan); err != nil {
		t.Fatal(err)
	}
	asJSON = filepath.Join(dir, "plan.json")
	f, err := os.Create(asJSON)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := provision.RenderJSON(f, plan); err != nil {
		t.Fatal(err)
	}
	return saved, asJSON
}

// An endpoint URL no AWS call could use is refused up front, naming where
// it came from, instead of being retried by the SDK.
func TestEndpointURLIsCheckedBeforeAnyAWSCall(t *testing.T) {
	tests := map[string]struct {
		args []string
		env  string
		want string
	}{
		"no scheme":       {args: []string{"plan", "--endpoint-url", "localhost:4566"}, want: `--endpoint-url "localhost:4566" is not an absolute http:// or https:// URL; did you mean http://localhost:4566?`},
		"relative":        {args: []string{"apply", "--endpoint-url", "/x", "--auto-approve"}, want: `--endpoint-url "/x" is not an absolute http:// or https:// URL`},
		"other scheme":    {args: []string{"destroy", "--endpoint-url", "ftp://127.0.0.1", "--auto-approve"}, want: `--endpoint-url "ftp://127.0.0.1" is not an absolute http:// or https:// URL`},
		"environment":     {args: []string{"plan"}, env: "127.0.0.1:4566", want: `AWS_ENDPOINT_URL "127.0.0.1:4566" is not an absolute http:// or https:// URL`},
		"no host":         {args: []string{"plan", "--endpoint-url", "http://"}, want: `--endpoint-url "http://" is not an absolute`},
		"saved plan, too": {args: []string{"apply", "--endpoint-url", "localhost:4566", "PLAN"}, want: `--endpoint-url "localhost:4566"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			offlineAWS(t)
			t.Setenv("AWS_ENDPOINT_URL", tt.env)
			saved, _ := savedAndJSONPlans(t, t.TempDir())
			args := append([]string{}, tt.args...)
			if args[len(args)-1] == "PLAN" {
				args[len(args)-1] = saved
			} else {
				args = append(args, "../../examples/minimal")
			}
			stdout, stderr, code := runPlanCLI(t, args...)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tt.want)
			}
			if strings.Contains(stderr, "credentials") || stdout != "" {
				t.Errorf("AWS was called or a plan printed:\nstdout %q\nstderr %q", stdout, stderr)
			}
		})
	}
	for _, ok := range []string{"", "http://127.0.0.1:4566", "https://eks.us-east-1.amazonaws.com", "http://localhost:5000/"} {
		if err := checkEndpointURL("--endpoint-url", ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// A saved plan or a plan --json output where configuration is expected gets
// a sentence saying what to do, not an HCL syntax error about line 1.
func TestPlanFilesWhereConfigurationIsExpected(t *testing.T) {
	offlineAWS(t)
	dir := t.TempDir()
	saved, asJSON := savedAndJSONPlans(t, dir)
	tests := map[string]struct {
		args []string
		want string
	}{
		"plan PLANFILE":          {args: []string{"plan", saved}, want: saved + " is a saved plan, not configuration: run eksctl-lite apply " + saved + " or eksctl-lite show " + saved},
		"destroy PLANFILE":       {args: []string{"destroy", "--auto-approve", saved}, want: saved + " is a saved plan, not configuration"},
		"apply PLANFILE and dir": {args: []string{"apply", saved, "../../examples/minimal"}, want: "it cannot be combined with other paths"},
		"plan dir and PLANFILE":  {args: []string{"plan", "../../examples/minimal", saved}, want: "it cannot be combined with other paths"},
		"apply plan.json":        {args: []string{"apply", "--auto-approve", asJSON}, want: asJSON + " is the output of plan --json, which is for reading, not configuration, and cannot be applied: to apply a reviewed plan, save it with eksctl-lite plan --out FILE"},
		"plan plan.json":         {args: []string{"plan", asJSON}, want: asJSON + " is the output of plan --json"},
		"show plan.json":         {args: []string{"show", asJSON}, want: asJSON + " is already the JSON output of plan --json"},
		"show DIR":               {args: []string{"show", dir}, want: dir + " is a directory, but show expects a plan file saved with eksctl-lite plan --out FILE"},
		"validate PLANFILE":      {args: []string{"validate", saved}, want: "Error: Not configuration\n\n" + saved + " is a"},
		"validate plan.json":     {args: []string{"validate", asJSON}, want: "Error: Not configuration\n\n" + asJSON + " is the"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := runPlanCLI(t, tt.args...)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tt.want)
			}
			for _, bad := range []string{"Argument or block definition required", "is a directory\n", "credentials"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr still says %q: %q", bad, stderr)
				}
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

// Refusals that need no AWS come before AWS is read and a plan printed
// (the approval one, which needs the plan, is TestApplyWithoutTerminal...).
func TestApplyRefusesBeforePlanning(t *testing.T) {
	defer func(f func(io.Reader) bool) { stdinIsTerminal = f }(stdinIsTerminal)
	stdinIsTerminal = func(io.Reader) bool { return false }
	tests := map[string]struct {
		args []string
		env  string
		want string
	}{
		"bad poll interval":          {args: []string{"apply", "--auto-approve", "../../examples/minimal"}, env: "bogus", want: `EKSCTL_LITE_POLL_INTERVAL="bogus"`},
		"bad poll interval, destroy": {args: []string{"destroy", "--auto-approve", "../../examples/minimal"}, env: "bogus", want: `EKSCTL_LITE_POLL_INTERVAL="bogus"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			offlineAWS(t)
			t.Setenv("EKSCTL_LITE_POLL_INTERVAL", tt.env)
			stdout, stderr, code := runPlanCLI(t, tt.args...)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tt.want)
			}
			if stdout != "" || strings.Contains(stderr, "credentials") {
				t.Errorf("planned before refusing:\nstdout %q\nstderr %q", stdout, stderr)
			}
		})
	}
}

// awsReadDiag is a diagnostic of failed AWS reads as the planner makes it
// (provision.awsDiag): the errors' text, the advice, and the error itself
// in Extra, several joined.
func awsReadDiag(summary string, subject *hcl.Range, errs ...error) *hcl.Diagnostic {
	err := errs[0]
	if len(errs) > 1 {
		err = errors.Join(errs...)
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Subject: subject, Extra: err,
		Detail: err.Error() + "\n\nCheck your AWS credentials, region and permissions, then run the plan again."}
}

// sdkCallError wraps err the way the SDK returns a failed call of op to
// service: an operation error, around the retryer's give-up when retried,
// around the HTTP response error (status 0 when nothing was sent).
func sdkCallError(service, op string, retried bool, status int, requestID string, err error) error {
	err = &awshttp.ResponseError{RequestID: requestID, ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}}
	if retried {
		err = &retry.MaxAttemptsError{Attempt: 3, Err: err}
	}
	return &smithy.OperationError{ServiceID: service, OperationName: op, Err: err}
}

// sendFailed is the SDK's error for a request to rawURL that the network
// error err kept from being sent.
func sendFailed(method, rawURL string, err error) error {
	return &smithyhttp.RequestSendError{Err: &url.Error{Op: method, URL: rawURL, Err: err}}
}

// refusedDial is the dial error of nothing listening at 127.0.0.1:1.
func refusedDial() error {
	return &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

// noCredentials is a call of op that the credential chain gave nothing to
// sign with (here: no IMDS role), as the SDK's identity middleware wraps it.
func noCredentials(service, op string) error {
	imds := &smithy.OperationError{ServiceID: "ec2imds", OperationName: "GetMetadata", Err: errors.New("http response error StatusCode: 403, request to EC2 IMDS failed")}
	return &smithy.OperationError{ServiceID: service, OperationName: op, Err: fmt.Errorf("get identity: %w", fmt.Errorf("get credentials: %w",
		&provision.CredentialsError{Err: fmt.Errorf("failed to refresh cached credentials, %w", fmt.Errorf("no EC2 IMDS role found, %w", imds))}))}
}

func noAnswer(endpoint string) error {
	return &provision.NoAnswerError{Endpoint: endpoint, Timeout: time.Minute, Attempts: 2, Err: errors.New("request send failed")}
}

// Plan diagnostics failing for one root cause become one diagnostic that
// names the endpoint, the cause and the fix; the rest stay as they were.
func TestCollapseAWSDiags(t *testing.T) {
	const (
		refused    = `reading cluster "full": operation error EKS: DescribeCluster, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Get "http://127.0.0.1:1/clusters/full": dial tcp 127.0.0.1:1: connect: connection refused`
		refusedNG  = `listing the node groups of cluster "full": operation error EKS: ListNodegroups, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Get "http://127.0.0.1:1/clusters/full/node-groups?maxResults=100": dial tcp 127.0.0.1:1: connect: connection refused`
		refusedIAM = `listing IAM OIDC providers: operation error IAM: ListOpenIDConnectProviders, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused`
		noHostEKS  = `reading cluster "full": operation error EKS: DescribeCluster, https response error StatusCode: 0, RequestID: , request send failed, Get "https://eks.us-east-1.amazonaws.com/clusters/full": dial tcp: lookup eks.us-east-1.amazonaws.com: no such host`
		noCreds    = `reading cluster "full": operation error EKS: DescribeCluster, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, http response error StatusCode: 403, request to EC2 IMDS failed`
		noCredsIAM = `listing IAM OIDC providers: operation error IAM: ListOpenIDConnectProviders, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, http response error StatusCode: 403, request to EC2 IMDS failed`
		denied     = `listing IAM roles under /eksctl-lite/: operation error IAM: ListRoles, https response error StatusCode: 403, RequestID: 1, api error AccessDenied: not allowed`
	)
	typed := map[string]error{
		refused:    fmt.Errorf("reading cluster %q: %w", "full", sdkCallError("EKS", "DescribeCluster", true, 0, "", sendFailed("Get", "http://127.0.0.1:1/clusters/full", refusedDial()))),
		refusedNG:  fmt.Errorf("listing the node groups of cluster %q: %w", "full", sdkCallError("EKS", "ListNodegroups", true, 0, "", sendFailed("Get", "http://127.0.0.1:1/clusters/full/node-groups?maxResults=100", refusedDial()))),
		refusedIAM: fmt.Errorf("listing IAM OIDC providers: %w", sdkCallError("IAM", "ListOpenIDConnectProviders", true, 0, "", sendFailed("Post", "http://127.0.0.1:1/", refusedDial()))),
		noHostEKS: fmt.Errorf("reading cluster %q: %w", "full", sdkCallError("EKS", "DescribeCluster", false, 0, "", sendFailed("Get", "https://eks.us-east-1.amazonaws.com/clusters/full",
			&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "eks.us-east-1.amazonaws.com", IsNotFound: true}}))),
		noCreds:    fmt.Errorf("reading cluster %q: %w", "full", noCredentials("EKS", "DescribeCluster")),
		noCredsIAM: fmt.Errorf("listing IAM OIDC providers: %w", noCredentials("IAM", "ListOpenIDConnectProviders")),
		denied:     fmt.Errorf("listing IAM roles under /eksctl-lite/: %w", sdkCallError("IAM", "ListRoles", false, 403, "1", &smithy.GenericAPIError{Code: "AccessDenied", Message: "not allowed"})),
	}
	for text, err := range typed { // the errors the SDK returns, with the text users see
		if err.Error() != text {
			t.Fatalf("constructed error says\n%s\nwant\n%s", err, text)
		}
	}
	e := func(text string) error { return typed[text] }
	cluster := &hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 24, Column: 1}}
	warning := &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "A warning"}
	refusal := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot change the version"}
	type want struct {
		summary string
		detail  []string // substrings
		subject bool
	}
	tests := map[string]struct {
		diags    hcl.Diagnostics
		endpoint string
		want     []want
	}{
		"connection refused everywhere": {
			diags: hcl.Diagnostics{
				awsReadDiag(`Cannot read cluster "full" in us-east-1`, cluster, e(refused), e(refusedNG)),
				awsReadDiag("Cannot list IAM OIDC providers", nil, e(refusedIAM)),
				awsReadDiag("Cannot read IAM roles", nil, e(refusedIAM)),
			},
			endpoint: "http://127.0.0.1:1",
			want: []want{{summary: "Cannot connect to AWS at http://127.0.0.1:1", detail: []string{
				"No AWS call reached it: dial tcp 127.0.0.1:1: connect: connection refused\n\n",
				"Is the endpoint running? Check --endpoint-url and AWS_ENDPOINT_URL (now http://127.0.0.1:1)",
			}}},
		},
		"no such host at AWS": {
			diags:    hcl.Diagnostics{warning, awsReadDiag(`Cannot read cluster "full" in us-east-1`, cluster, e(noHostEKS))},
			endpoint: "",
			want: []want{{summary: "A warning"}, {summary: "Cannot connect to AWS at https://eks.us-east-1.amazonaws.com", subject: true, detail: []string{
				"dial tcp: lookup eks.us-east-1.amazonaws.com: no such host",
				"Check your network connection, proxy and DNS settings",
			}}},
		},
		"no credentials, with other errors kept": {
			diags: hcl.Diagnostics{
				refusal,
				awsReadDiag(`Cannot read cluster "full" in us-east-1`, cluster, e(noCreds)),
				awsReadDiag("Cannot list IAM OIDC providers", nil, e(noCredsIAM)),
				awsReadDiag("Cannot read IAM roles", nil, e(denied)),
			},
			want: []want{
				{summary: "Cannot change the version"},
				{summary: "No AWS credentials found", detail: []string{
					"failed to refresh cached credentials, no EC2 IMDS role found",
					"No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login",
				}},
				{summary: "Cannot read IAM roles", detail: []string{"AccessDenied", "Check your AWS credentials"}},
			},
		},
		"no answer": {
			diags: hcl.Diagnostics{
				awsReadDiag(`Cannot read cluster "full" in us-east-1`, cluster,
					fmt.Errorf("reading cluster %q: %w", "full", noAnswer("http://127.0.0.1:9")),
					fmt.Errorf("listing node groups: %w", noAnswer("http://127.0.0.1:9"))),
				awsReadDiag("Cannot read IAM roles", nil, noAnswer("http://127.0.0.1:9")),
			},
			endpoint: "http://127.0.0.1:9",
			want: []want{{summary: "No answer from AWS at http://127.0.0.1:9", detail: []string{
				"No AWS call was answered within 1m0s (EKSCTL_LITE_TIMEOUT_AWS_CALL), each tried 2 times.",
				"Check --endpoint-url and AWS_ENDPOINT_URL (now http://127.0.0.1:9)",
			}}},
		},
		"text without the error is not read": {
			diags: hcl.Diagnostics{&hcl.Diagnostic{Severity: hcl.DiagError, Summary: `Cannot read cluster "full" in us-east-1`, Subject: cluster, Detail: refused}},
			want:  []want{{summary: `Cannot read cluster "full" in us-east-1`, subject: true, detail: []string{refused}}},
		},
		"mixed causes in one diagnostic stay as they are": {
			diags: hcl.Diagnostics{awsReadDiag(`Cannot read cluster "full" in us-east-1`, cluster, e(refused), e(denied))},
			want:  []want{{summary: `Cannot read cluster "full" in us-east-1`, subject: true, detail: []string{refused, denied}}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := collapseAWSDiags(tt.diags, tt.endpoint, time.Minute)
			var gotSummaries, wantSummaries []string
			for _, d := range got {
				gotSummaries = append(gotSummaries, d.Summary)
			}
			for _, w := range tt.want {
				wantSummaries = append(wantSummaries, w.summary)
			}
			if diff := cmp.Diff(wantSummaries, gotSummaries); diff != "" {
				t.Fatalf("summaries (-want +got):\n%s", diff)
			}
			for i, w := range tt.want {
				for _, s := range w.detail {
					if !strings.Contains(got[i].Detail, s) {
						t.Errorf("%s: detail %q lacks %q", w.summary, got[i].Detail, s)
					}
				}
				if w.subject != (got[i].Subject != nil) && got[i].Severity == hcl.DiagError && strings.HasPrefix(w.summary, "Cannot") {
					t.Errorf("%s: subject %v, want one: %v", w.summary, got[i].Subject, w.subject)
				}
				if strings.HasPrefix(w.summary, "Cannot connect") || strings.HasPrefix(w.summary, "No AWS credentials") {
					if strings.Contains(got[i].Detail, "Check your AWS credentials, region and permissions") {
						t.Errorf("%s: still gives the generic advice: %q", w.summary, got[i].Detail)
					}
				}
			}
		})
	}
}
