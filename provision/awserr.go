package provision

import (
	"context"
	"errors"
	"net"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// CauseKind is why an AWS call failed, in terms of what fixes it.
type CauseKind int

// The causes ClassifyAWSError knows. Zero is none of them.
const (
	// CannotConnect: the request never reached the endpoint (connection
	// refused, no such host, no route). Fix the endpoint or the network.
	CannotConnect CauseKind = iota + 1
	// NoAnswer: the endpoint took the connection and never answered
	// within the per-attempt timeout (NoAnswerError).
	NoAnswer
	// NoCredentials: no credentials to sign the call with; the call was
	// never sent (CredentialsError).
	NoCredentials
	// InvalidCredentials: AWS received the call and rejected the
	// credentials it was signed with (unknown key, expired token).
	InvalidCredentials
	// AccessDenied: AWS knows who called and refuses them the action.
	AccessDenied
	// Throttled: AWS refused the call for its rate (a throttling error
	// code the SDK knows, retry.DefaultThrottleErrorCodes).
	Throttled
)

// Cause is why one AWS call failed.
type Cause struct {
	Kind CauseKind
	// Endpoint is the scheme://host the call went to, "" when the error
	// does not say.
	Endpoint string
	// Detail is the root of the failure without the SDK's wrapping
	// ("dial tcp 127.0.0.1:1: connect: connection refused", or what the
	// credential chain said), "" when Kind says it all.
	Detail string
}

// ClassifyAWSErrors returns the cause of every failed call that err joins
// (the planner joins the errors of the reads of one resource with
// errors.Join), in order, and false when any of them is none of the causes
// (ClassifyAWSError).
func ClassifyAWSErrors(err error) ([]Cause, bool) {
	var causes []Cause
	for _, leaf := range errorLeaves(err) {
		c, ok := ClassifyAWSError(leaf)
		if !ok {
			return nil, false
		}
		causes = append(causes, c)
	}
	return causes, true
}

// errorLeaves flattens err into the errors it joins (errors.Join, several
// %w), each with its own wrapping; an error that joins nothing is its own
// leaf.
func errorLeaves(err error) []error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			var out []error
			for _, x := range j.Unwrap() {
				out = append(out, errorLeaves(x)...)
			}
			return out
		}
	}
	return []error{err}
}

// ClassifyAWSError returns why the AWS call that failed with err failed,
// and false when err is none of the causes of CauseKind (or not an AWS
// call's error at all). err is one call's error: ClassifyAWSErrors
// classifies each of several joined.
func ClassifyAWSError(err error) (Cause, bool) {
	if err == nil {
		return Cause{}, false
	}
	if IsNoAnswer(err) {
		return Cause{Kind: NoAnswer, Endpoint: EndpointOf(err)}, true
	}
	if IsConnectError(err) {
		c := Cause{Kind: CannotConnect, Endpoint: EndpointOf(err)}
		var op *net.OpError
		var dns *net.DNSError
		switch {
		case errors.As(err, &op):
			c.Detail = op.Error() // "dial tcp: lookup HOST: no such host" too
		case errors.As(err, &dns):
			c.Detail = dns.Error()
		}
		return c, true
	}
	var ce *CredentialsError
	if errors.As(err, &ce) {
		return Cause{Kind: NoCredentials, Detail: ce.Err.Error()}, true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		code := api.ErrorCode()
		switch {
		case invalidCredentialsCodes[code]:
			return Cause{Kind: InvalidCredentials, Endpoint: EndpointOf(err)}, true
		case accessDeniedCodes[code]:
			return Cause{Kind: AccessDenied, Endpoint: EndpointOf(err)}, true
		case retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary:
			return Cause{Kind: Throttled, Endpoint: EndpointOf(err)}, true
		}
	}
	return Cause{}, false
}

// AWS error codes (smithy.APIError.ErrorCode) of a call refused for who
// made it: IAM's query protocol says AccessDenied, EKS's REST-JSON
// AccessDeniedException, EC2 UnauthorizedOperation (IAM User Guide,
// "Troubleshooting access denied error messages").
var accessDeniedCodes = map[string]bool{
	"AccessDenied":          true,
	"AccessDeniedException": true,
	"UnauthorizedOperation": true,
}

// AWS error codes of a call whose signature or credentials AWS rejected:
// an access key it does not know (InvalidClientTokenId in IAM and STS,
// UnrecognizedClientException in JSON services such as EKS), a wrong
// secret key, or expired temporary credentials (AWS General Reference,
// "Common errors").
var invalidCredentialsCodes = map[string]bool{
	"InvalidClientTokenId":        true,
	"UnrecognizedClientException": true,
	"SignatureDoesNotMatch":       true,
	"InvalidSignatureException":   true,
	"ExpiredToken":                true,
	"ExpiredTokenException":       true,
}

// CredentialsError is a failure of the credential chain (environment,
// profiles, SSO, web identity, IMDS, ...) to give credentials for a call,
// which then was never sent.
//
// The SDK has no type of its own for it: every provider returns its own
// errors (many only fmt.Errorf text), and the SDK wraps them in text
// ("get identity: get credentials: ..."), so the clients of
// NewClientsFactory mark it where it arises, in the credentials provider.
type CredentialsError struct {
	Err error // what the credential chain said
}

// Error is the chain's own error text, unchanged: the SDK's wrapping
// around it already says credentials.
func (e *CredentialsError) Error() string { return e.Err.Error() }

func (e *CredentialsError) Unwrap() error { return e.Err }

// withCredentialsErrors returns p with its failures wrapped in
// CredentialsError; nil stays nil (the SDK then sends calls unsigned).
func withCredentialsErrors(p aws.CredentialsProvider) aws.CredentialsProvider {
	if p == nil {
		return nil
	}
	return credentialsErrors{p}
}

// credentialsErrors is the provider of withCredentialsErrors. It stays
// what it wraps for the SDK's checks: the anonymous-credentials check of
// every client (aws.IsCredentialsProvider) and the credential sources it
// reports in the User-Agent (aws.CredentialProviderSource).
type credentialsErrors struct {
	aws.CredentialsProvider
}

func (p credentialsErrors) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := p.CredentialsProvider.Retrieve(ctx)
	if err != nil {
		return creds, &CredentialsError{Err: err}
	}
	return creds, nil
}

func (p credentialsErrors) IsCredentialsProvider(target aws.CredentialsProvider) bool {
	return aws.IsCredentialsProvider(p.CredentialsProvider, target)
}

func (p credentialsErrors) ProviderSources() []aws.CredentialSource {
	if s, ok := p.CredentialsProvider.(aws.CredentialProviderSource); ok {
		return s.ProviderSources()
	}
	return nil
}
