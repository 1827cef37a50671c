package main

// eksctl-lite token: the bearer token EKS accepts for a cluster, as a
// Kubernetes ExecCredential, for the kubeconfig entry that kubeconfig
// writes. It is what aws eks get-token and aws-iam-authenticator token
// print: "k8s-aws-v1." and the unpadded base64url of an STS
// GetCallerIdentity URL presigned with the header x-k8s-aws-id: CLUSTER
// among the signed headers. The API server's authenticator calls that URL
// to learn who signed it; the header binds the token to one cluster.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

func init() { commands = append(commands, newTokenCommand) }

const (
	// tokenPrefix marks version 1 of the EKS token format.
	tokenPrefix = "k8s-aws-v1."
	// clusterIDHeader names the cluster the token is for; it must be one
	// of the URL's signed headers.
	clusterIDHeader = "x-k8s-aws-id"
	// presignExpires is the X-Amz-Expires of the URL. STS ignores it for
	// GetCallerIdentity (a presigned URL is valid 15 minutes from its
	// X-Amz-Date whatever it says); 60 is what aws-iam-authenticator and
	// aws eks get-token send, and authenticators 0.3.0 and older refuse
	// more.
	presignExpires = "60"
	// tokenLifetime is how long the API server accepts the token: 15
	// minutes from signing. The ExecCredential says a minute less, as
	// aws-iam-authenticator and aws eks get-token do, so that kubectl asks
	// for a new token before the old one is refused.
	tokenLifetime     = 15 * time.Minute
	tokenReportedLife = tokenLifetime - time.Minute

	execCredentialV1beta1 = "client.authentication.k8s.io/v1beta1"
	execCredentialV1      = "client.authentication.k8s.io/v1"
	// tokenSessionName names the session of an assumed role (--role-arn)
	// in CloudTrail.
	tokenSessionName = "eksctl-lite-token"
)

// Seams for tests: the AWS configuration (static credentials, offline) and
// the clock the token is signed at.
var (
	loadAWSConfig = provision.LoadAWSConfig
	tokenNow      = time.Now
)

type tokenOptions struct {
	cluster string
	roleARN string
}

func newTokenCommand(g *globalOptions) *cobra.Command {
	o := &tokenOptions{}
	cmd := &cobra.Command{
		Use:   "token --cluster NAME",
		Short: "Print a token for a cluster's Kubernetes API (an exec credential plugin)",
		Long: `Token prints a Kubernetes ExecCredential (client.authentication.k8s.io/v1beta1)
with a bearer token for the Kubernetes API of the EKS cluster NAME: a
presigned STS GetCallerIdentity request, signed with your AWS credentials,
that the cluster's authenticator turns back into your IAM identity. It is
what aws eks get-token prints; no other CLI is needed. The token is valid for
15 minutes; the ExecCredential says 14, so that kubectl asks for a new one in
time.

kubectl runs it for you: eksctl-lite kubeconfig CLUSTER writes a kubeconfig
entry whose user runs "eksctl-lite token --cluster NAME --region R". Nothing is
sent to AWS unless --role-arn is given (the role is assumed first) or the
credentials themselves must be fetched (SSO, IMDS, ...).

Credentials, profile and endpoint come from the AWS configuration chain and
the global flags (--region, --profile, --endpoint-url), as for every command.`,
		Example: `  # The ExecCredential kubectl reads
  eksctl-lite token --cluster demo --region eu-west-1

  # Signed by a role assumed first
  eksctl-lite token --cluster demo --role-arn arn:aws:iam::111122223333:role/eks-admin

  # Just the bearer token, e.g. for curl
  eksctl-lite token --cluster demo | jq -r .status.token`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runToken(cmd, g, o)
		},
	}
	cmd.Flags().StringVar(&o.cluster, "cluster", "", "name of the EKS cluster the token is for (required)")
	cmd.Flags().StringVar(&o.roleARN, "role-arn", "", "assume this IAM role (STS AssumeRole) and sign the token with its credentials")
	return cmd
}

func runToken(cmd *cobra.Command, g *globalOptions, o *tokenOptions) error {
	if strings.TrimSpace(o.cluster) == "" {
		return errors.New("token needs the cluster's name: eksctl-lite token --cluster NAME")
	}
	if err := checkRoleARN(o.roleARN); err != nil {
		return err
	}
	if err := g.checkAWSEnv(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), g.timeouts.Plan)
	defer cancel()
	cfg, err := loadAWSConfig(ctx, g.awsOptions())
	if err != nil {
		return err
	}
	if cfg.Region == "" {
		return errors.New("no AWS region is configured: pass --region, or set AWS_REGION (or a region in your AWS profile)")
	}
	if o.roleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), o.roleARN, func(ao *stscreds.AssumeRoleOptions) {
			ao.RoleSessionName = tokenSessionName
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	now := tokenNow()
	token, err := eksToken(ctx, cfg, o.cluster, now)
	if err != nil {
		return tokenError(err, o, g)
	}
	out, err := json.Marshal(newExecCredential(execCredentialVersion(os.Getenv("KUBERNETES_EXEC_INFO")), token, now.Add(tokenReportedLife)))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", out)
	return err
}

// checkRoleARN refuses a --role-arn that is not an IAM role's ARN before
// anything is sent ("" is fine: none).
func checkRoleARN(s string) error {
	if s == "" {
		return nil
	}
	a, err := arn.Parse(s)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return fmt.Errorf("--role-arn %q is not an IAM role's ARN: want arn:aws:iam::ACCOUNT:role/NAME", s)
	}
	return nil
}

// tokenError says why no token could be signed, with the fix where the
// cause is known.
func tokenError(err error, o *tokenOptions, g *globalOptions) error {
	signer := "your AWS credentials"
	if o.roleARN != "" {
		signer = "the role " + o.roleARN
	}
	if causes, ok := provision.ClassifyAWSErrors(err); ok && len(causes) > 0 {
		switch causes[0].Kind {
		case provision.NoCredentials:
			return fmt.Errorf("no AWS credentials found to sign the token for cluster %s: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login, then try again (%v)", o.cluster, err)
		case provision.CannotConnect, provision.NoAnswer:
			where := "AWS STS"
			if e := g.endpoint(); e != "" {
				where = e
			}
			return fmt.Errorf("cannot reach %s to assume %s for cluster %s: check the network and --endpoint-url, then try again (%v)", where, signer, o.cluster, err)
		case provision.AccessDenied, provision.InvalidCredentials:
			return fmt.Errorf("AWS refused to let %s be assumed for cluster %s: check the role's trust policy and your credentials (%v)", signer, o.cluster, err)
		}
	}
	return fmt.Errorf("signing the token for cluster %s with %s: %w", o.cluster, signer, err)
}

// eksToken is the token for cluster: a GetCallerIdentity request to the
// STS endpoint of cfg (regional, sts.REGION.amazonaws.com, or the one the
// configuration names) presigned at signingTime with cfg's credentials,
// with the x-k8s-aws-id header signed.
func eksToken(ctx context.Context, cfg aws.Config, cluster string, signingTime time.Time) (string, error) {
	presigner := sts.NewPresignClient(sts.NewFromConfig(cfg), func(po *sts.PresignOptions) {
		po.Presigner = fixedTimePresigner{signer: v4.NewSigner(), at: signingTime}
	})
	req, err := presigner.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(po *sts.PresignOptions) {
		po.ClientOptions = append(po.ClientOptions, func(so *sts.Options) {
			// Set while the request is built, before the presign
			// middleware signs it: the header is signed, and the
			// signer hoists X-Amz-* headers into the query.
			so.APIOptions = append(so.APIOptions,
				smithyhttp.SetHeaderValue(clusterIDHeader, cluster),
				smithyhttp.SetHeaderValue("X-Amz-Expires", presignExpires))
		})
	})
	if err != nil {
		return "", err
	}
	// Without the header among the signed ones, EKS refuses the token;
	// say so here rather than as kubectl's "Unauthorized".
	u, err := url.Parse(req.URL)
	if err != nil {
		return "", err
	}
	if !slices.Contains(strings.Split(u.Query().Get("X-Amz-SignedHeaders"), ";"), clusterIDHeader) {
		return "", fmt.Errorf("the presigned STS URL does not sign the %s header", clusterIDHeader)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(req.URL)), nil
}

// fixedTimePresigner signs at the time eksToken was given, not the SDK's
// clock, so that the ExecCredential's expiry is counted from the same
// instant as the signature (and tests can fix it).
type fixedTimePresigner struct {
	signer *v4.Signer
	at     time.Time
}

func (p fixedTimePresigner) PresignHTTP(ctx context.Context, credentials aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return p.signer.PresignHTTP(ctx, credentials, r, payloadHash, service, region, p.at, optFns...)
}

// execCredential is the object an exec credential plugin prints (the
// client.authentication.k8s.io ExecCredential), in the field order aws eks
// get-token prints.
type execCredential struct {
	Kind       string               `json:"kind"`
	APIVersion string               `json:"apiVersion"`
	Spec       struct{}             `json:"spec"`
	Status     execCredentialStatus `json:"status"`
}

type execCredentialStatus struct {
	ExpirationTimestamp string `json:"expirationTimestamp"`
	Token               string `json:"token"`
}

func newExecCredential(apiVersion, token string, expires time.Time) execCredential {
	return execCredential{
		Kind:       "ExecCredential",
		APIVersion: apiVersion,
		Status: execCredentialStatus{
			ExpirationTimestamp: expires.UTC().Format("2006-01-02T15:04:05Z"),
			Token:               token,
		},
	}
}

// execCredentialVersion is the ExecCredential version to answer in:
// the one kubectl asks for in KUBERNETES_EXEC_INFO when it is one this
// command speaks (v1 or v1beta1: the object is the same), else v1beta1,
// which the kubeconfig entry names.
func execCredentialVersion(execInfo string) string {
	var info struct {
		APIVersion string `json:"apiVersion"`
	}
	if execInfo != "" && json.Unmarshal([]byte(execInfo), &info) == nil {
		switch info.APIVersion {
		case execCredentialV1, execCredentialV1beta1:
			return info.APIVersion
		}
	}
	return execCredentialV1beta1
}
