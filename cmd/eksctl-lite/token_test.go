package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// staticAWS gives the AWS configuration chain fixed static credentials
// and no files, so that a token is signed offline.
func staticAWS(t *testing.T) {
	t.Helper()
	offlineAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("KUBERNETES_EXEC_INFO", "")
	for _, env := range []string{"AWS_ENDPOINT_URL_STS", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"} {
		t.Setenv(env, "")
	}
}

// fixedClock signs tokens at at.
func fixedClock(t *testing.T, at time.Time) {
	t.Helper()
	old := tokenNow
	t.Cleanup(func() { tokenNow = old })
	tokenNow = func() time.Time { return at }
}

var signedAt = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// runTokenCLI runs eksctl-lite token with args and returns the ExecCredential
// it printed.
func runTokenCLI(t *testing.T, args ...string) execCredential {
	t.Helper()
	code, stdout, stderr := runCLI(t, "", append([]string{"token"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr %q", stderr)
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var ec execCredential
	if err := dec.Decode(&ec); err != nil {
		t.Fatalf("stdout is no ExecCredential: %v\n%s", err, stdout)
	}
	return ec
}

// tokenURL is the presigned URL in an EKS token, checking the encoding.
func tokenURL(t *testing.T, token string) *url.URL {
	t.Helper()
	b64, ok := strings.CutPrefix(token, "k8s-aws-v1.")
	if !ok {
		t.Fatalf("token %q lacks the k8s-aws-v1. prefix", token)
	}
	if strings.ContainsAny(b64, "=+/") {
		t.Errorf("token is not base64url without padding: %q", b64)
	}
	raw, err := base64.RawURLEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("token does not decode: %v", err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		t.Fatalf("token is no URL: %v: %s", err, raw)
	}
	return u
}

func TestTokenIsAPresignedGetCallerIdentity(t *testing.T) {
	staticAWS(t)
	fixedClock(t, signedAt)
	ec := runTokenCLI(t, "--cluster", "demo", "--region", "eu-west-1")

	if ec.Kind != "ExecCredential" || ec.APIVersion != "client.authentication.k8s.io/v1beta1" {
		t.Errorf("kind %q apiVersion %q", ec.Kind, ec.APIVersion)
	}
	if want := "2026-03-14T15:23:26Z"; ec.Status.ExpirationTimestamp != want {
		t.Errorf("expirationTimestamp %q, want %q (signing time + 14 minutes, UTC)", ec.Status.ExpirationTimestamp, want)
	}
	u := tokenURL(t, ec.Status.Token)
	if u.Scheme != "https" || u.Host != "sts.eu-west-1.amazonaws.com" || (u.Path != "/" && u.Path != "") {
		t.Errorf("URL %s, want https://sts.eu-west-1.amazonaws.com/", u)
	}
	q := u.Query()
	want := map[string]string{
		"Action":              "GetCallerIdentity",
		"Version":             "2011-06-15",
		"X-Amz-Algorithm":     "AWS4-HMAC-SHA256",
		"X-Amz-Credential":    "AKIDEXAMPLE/20260314/eu-west-1/sts/aws4_request",
		"X-Amz-Date":          "20260314T150926Z",
		"X-Amz-Expires":       "60",
		"X-Amz-SignedHeaders": "host;x-k8s-aws-id",
	}
	for k, v := range want {
		if got := q.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if q.Has("x-k8s-aws-id") || q.Has("X-Amz-Security-Token") {
		t.Errorf("unexpected query parameters: %s", u.RawQuery)
	}
	// The signature is SigV4's over the cluster's header, recomputed here
	// from the AWS documentation, not by the SDK.
	if got, want := q.Get("X-Amz-Signature"), sigV4Presigned(u, map[string]string{"x-k8s-aws-id": "demo"}, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"); got != want {
		t.Errorf("X-Amz-Signature %q, want %q", got, want)
	}
	if sigV4Presigned(u, map[string]string{"x-k8s-aws-id": "other"}, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") == q.Get("X-Amz-Signature") {
		t.Error("the signature does not depend on the cluster's name")
	}

	// The same inputs give the same token.
	if again := runTokenCLI(t, "--cluster", "demo", "--region", "eu-west-1"); again.Status.Token != ec.Status.Token {
		t.Error("the token is not a function of credentials, cluster, region and time")
	}
}

// sigV4Presigned is the signature of a presigned GET URL u whose signed
// headers are host and headers (AWS General Reference, "Authenticating
// Requests: Using Query Parameters").
func sigV4Presigned(u *url.URL, headers map[string]string, secret string) string {
	q := u.Query()
	q.Del("X-Amz-Signature")
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var query []string
	for _, k := range keys {
		query = append(query, awsEscape(k)+"="+awsEscape(q.Get(k)))
	}
	all := map[string]string{"host": u.Host}
	for k, v := range headers {
		all[k] = v
	}
	names := strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	var canonHeaders string
	for _, n := range names {
		canonHeaders += n + ":" + all[n] + "\n"
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	canonical := strings.Join([]string{"GET", path, strings.Join(query, "&"), canonHeaders, q.Get("X-Amz-SignedHeaders"), emptySHA256}, "\n")
	hash := sha256.Sum256([]byte(canonical))
	scope := strings.SplitN(q.Get("X-Amz-Credential"), "/", 2)[1] // date/region/service/aws4_request
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256", q.Get("X-Amz-Date"), scope, hex.EncodeToString(hash[:])}, "\n")
	parts := strings.Split(scope, "/")
	key := []byte("AWS4" + secret)
	for _, p := range parts {
		key = hmacSHA256(key, p)
	}
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// awsEscape is SigV4's URI encoding: everything but A-Z a-z 0-9 - _ . ~
// percent-encoded.
func awsEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// The endpoint the AWS configuration names (--endpoint-url, an emulator)
// is the one the token names, and the region comes from AWS_REGION when
// --region is not given.
func TestTokenEndpointAndRegionFromTheConfiguration(t *testing.T) {
	staticAWS(t)
	fixedClock(t, signedAt)
	t.Setenv("AWS_REGION", "ap-southeast-2")
	ec := runTokenCLI(t, "--cluster", "demo", "--endpoint-url", "http://127.0.0.1:4566")
	u := tokenURL(t, ec.Status.Token)
	if u.Host != "127.0.0.1:4566" {
		t.Errorf("host %q, want the endpoint", u.Host)
	}
	if got := u.Query().Get("X-Amz-Credential"); got != "AKIDEXAMPLE/20260314/ap-southeast-2/sts/aws4_request" {
		t.Errorf("X-Amz-Credential %q", got)
	}
}

// kubectl says in KUBERNETES_EXEC_INFO which version it wants.
func TestTokenExecCredentialVersion(t *testing.T) {
	staticAWS(t)
	t.Setenv("KUBERNETES_EXEC_INFO", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`)
	if ec := runTokenCLI(t, "--cluster", "demo"); ec.APIVersion != "client.authentication.k8s.io/v1" {
		t.Errorf("apiVersion %q", ec.APIVersion)
	}
	t.Setenv("KUBERNETES_EXEC_INFO", `{"apiVersion":"client.authentication.k8s.io/v9"}`)
	if ec := runTokenCLI(t, "--cluster", "demo"); ec.APIVersion != "client.authentication.k8s.io/v1beta1" {
		t.Errorf("apiVersion %q", ec.APIVersion)
	}
}

// The JSON is what aws eks get-token prints, field for field.
func TestExecCredentialJSON(t *testing.T) {
	b, err := json.Marshal(newExecCredential(execCredentialV1beta1, "k8s-aws-v1.abc", time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 3600))))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"2026-01-02T02:04:05Z","token":"k8s-aws-v1.abc"}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

// With --role-arn the role is assumed first (STS AssumeRole, here a fake
// STS on the loopback) and the token is signed with its credentials.
func TestTokenAssumesTheRole(t *testing.T) {
	staticAWS(t)
	fixedClock(t, time.Now().UTC().Truncate(time.Second))
	var form url.Values
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(body))
		if !strings.Contains(r.Header.Get("Authorization"), "Credential=AKIDEXAMPLE/") {
			t.Errorf("AssumeRole not signed with the caller's credentials: %q", r.Header.Get("Authorization"))
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAROLEKEY</AccessKeyId><SecretAccessKey>rolesecret</SecretAccessKey><SessionToken>rolesession</SessionToken><Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/eks-admin/eksctl-lite-token</Arn><AssumedRoleId>AROA:eksctl-lite-token</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	}))
	defer sts.Close()

	ec := runTokenCLI(t, "--cluster", "demo", "--region", "us-west-2", "--endpoint-url", sts.URL, "--role-arn", "arn:aws:iam::111122223333:role/eks-admin")
	if form.Get("Action") != "AssumeRole" || form.Get("RoleArn") != "arn:aws:iam::111122223333:role/eks-admin" || form.Get("RoleSessionName") != "eksctl-lite-token" {
		t.Errorf("AssumeRole call %v", form)
	}
	u := tokenURL(t, ec.Status.Token)
	q := u.Query()
	if !strings.HasPrefix(q.Get("X-Amz-Credential"), "ASIAROLEKEY/") || q.Get("X-Amz-Security-Token") != "rolesession" {
		t.Errorf("token not signed with the role's credentials: %s", u.RawQuery)
	}
	if got, want := q.Get("X-Amz-Signature"), sigV4Presigned(u, map[string]string{"x-k8s-aws-id": "demo"}, "rolesecret"); got != want {
		t.Errorf("X-Amz-Signature %q, want %q", got, want)
	}
}

func TestTokenErrors(t *testing.T) {
	tests := map[string]struct {
		args []string
		env  func(t *testing.T)
		want string
	}{
		"no cluster":     {args: []string{"token"}, want: "token needs the cluster's name: eksctl-lite token --cluster NAME"},
		"not a role ARN": {args: []string{"token", "--cluster", "demo", "--role-arn", "eks-admin"}, want: `--role-arn "eks-admin" is not an IAM role's ARN: want arn:aws:iam::ACCOUNT:role/NAME`},
		"a user's ARN":   {args: []string{"token", "--cluster", "demo", "--role-arn", "arn:aws:iam::111122223333:user/bob"}, want: "is not an IAM role's ARN"},
		"no credentials": {args: []string{"token", "--cluster", "demo"}, env: offlineAWS, want: "no AWS credentials found to sign the token for cluster demo: set AWS_PROFILE"},
		"no region": {args: []string{"token", "--cluster", "demo"}, env: func(t *testing.T) {
			staticAWS(t)
			t.Setenv("AWS_REGION", "")
			t.Setenv("AWS_DEFAULT_REGION", "")
		}, want: "no AWS region is configured: pass --region"},
		"arguments": {args: []string{"token", "demo"}, want: `eksctl-lite token takes no arguments, got "demo"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			staticAWS(t)
			if tt.env != nil {
				tt.env(t)
			}
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

// emptySHA256 is the payload hash of a presigned GET: that of no body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
