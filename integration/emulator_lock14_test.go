package integration

// Tests of the two AWS primitives the cluster lock of issue 14 is built on,
// through aws-sdk-go-v2: SSM PutParameter with Overwrite=false, which AWS
// refuses atomically with ParameterAlreadyExists when the parameter exists,
// and S3 PutObject with If-None-Match: "*" (a conditional write), which AWS
// refuses atomically with 412 PreconditionFailed when the key exists; and the
// calls around them (GetParameter, DeleteParameter, GetObject, HeadObject,
// DeleteObject). moto 5.2.1 checks existence and then writes, in Python, on
// a threaded server: two concurrent creates can both succeed
// (emulator/atomic_writes.py makes each one step). With that patch switched
// off (EKSCTL_LITE_EMULATOR_DISABLE=atomic-writes, README.md) the S3 race
// test fails; the SSM one does not, moto's window being too narrow to lose
// in practice (see each test). The lifecycle tests check what moto already
// does as AWS and have no switch.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// parameterExistsMessage is SSM's message for ParameterAlreadyExists.
const parameterExistsMessage = "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."

// Each race: lockRounds rounds of lockRacers concurrent creates of one new
// parameter or key.
const (
	lockRounds = 10
	lockRacers = 20
	// raceObjectPadding pads the S3 race's bodies past moto's in-memory
	// buffer for an object (MOTO_S3_DEFAULT_KEY_BUFFER_SIZE, 5 MiB - 1 KiB):
	// moto then writes the body to a temporary file between its check and
	// its store, releasing Python's GIL, so that without the patch the
	// race shows on most runs rather than hardly ever.
	raceObjectPadding = 5 << 20
)

// lockClients are SSM and S3 clients configured as newEnv configures e.eks
// (S3 path-style: the emulator has no per-bucket host names).
type lockClients struct {
	ssm *ssm.Client
	s3  *s3.Client
}

func newLockClients(e *env) lockClients {
	cfg := aws.Config{
		Region: e.region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test", Source: "integration"}, nil
		}),
		BaseEndpoint: aws.String(e.endpoint),
		Retryer:      func() aws.Retryer { return retry.NewStandard() },
	}
	return lockClients{
		ssm: ssm.NewFromConfig(cfg),
		s3:  s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
	}
}

func noRetrySSM(o *ssm.Options) { o.Retryer = aws.NopRetryer{} }
func noRetryS3(o *s3.Options)   { o.Retryer = aws.NopRetryer{} }

// race runs try(0) ... try(n-1) at once (each in its goroutine, released
// together) and returns their errors, indexed like the calls.
func race(n int, try func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = try(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// winners returns the indexes of the calls that succeeded.
func winners(errs []error) []int {
	var won []int
	for i, err := range errs {
		if err == nil {
			won = append(won, i)
		}
	}
	return won
}

// tally sums up a race's outcomes: how many calls succeeded and how many
// failed with each HTTP status and error code, e.g. "1 ok, 18 x 412
// PreconditionFailed, 1 x 500 (not XML)".
func tally(errs []error) string {
	counts := map[string]int{}
	var order []string
	for _, err := range errs {
		what := "ok"
		if err != nil {
			code := "(not XML)"
			var api smithy.APIError
			if errors.As(err, &api) {
				code = api.ErrorCode()
			}
			what = fmt.Sprintf("%d %s", httpStatus(err), code)
		}
		if counts[what] == 0 {
			order = append(order, what)
		}
		counts[what]++
	}
	slices.Sort(order)
	parts := make([]string, len(order))
	for i, what := range order {
		parts[i] = fmt.Sprintf("%d x %s", counts[what], what)
	}
	return strings.Join(parts, ", ")
}

// httpStatus is the HTTP status of an SDK error (0 if it has none).
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// rawStatus is the HTTP status of a successful SDK call's response.
func rawStatus(md middleware.Metadata) int {
	if r, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok {
		return r.StatusCode
	}
	return 0
}

func (c lockClients) createParameter(ctx context.Context, name, value string) (*ssm.PutParameterOutput, error) {
	return c.ssm.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeString,
		Overwrite: aws.Bool(false),
	}, noRetrySSM)
}

func (c lockClients) createObject(ctx context.Context, bucket, key, body string) (*s3.PutObjectOutput, error) {
	return c.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body),
		IfNoneMatch: aws.String("*"),
	}, noRetryS3)
}

func (c lockClients) createBucket(t *testing.T, e *env) string {
	t.Helper()
	bucket := strings.ToLower(e.uniqueName("lock14"))
	if _, err := c.s3.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", bucket, err)
	}
	return bucket
}

// requireParameterExists fails unless err is SSM's ParameterAlreadyExists
// with AWS's message.
func requireParameterExists(t *testing.T, what string, err error) {
	t.Helper()
	var exists *ssmtypes.ParameterAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("%s: want ParameterAlreadyExists, got %v", what, err)
	}
	if got := exists.ErrorMessage(); got != parameterExistsMessage {
		t.Errorf("%s: message %q, want %q", what, got, parameterExistsMessage)
	}
}

// requirePreconditionFailed fails unless err is S3's HTTP 412
// PreconditionFailed.
func requirePreconditionFailed(t *testing.T, what string, err error) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "PreconditionFailed" {
		t.Fatalf("%s: want PreconditionFailed, got %v", what, err)
	}
	if got := httpStatus(err); got != http.StatusPreconditionFailed {
		t.Errorf("%s: HTTP %d, want 412", what, got)
	}
}

// TestEmulatorLockSSMCreateRace: of lockRacers concurrent PutParameter
// Overwrite=false of one new name, exactly one succeeds (version 1, its
// value stored), every other gets ParameterAlreadyExists. Switch:
// atomic-writes. Without it moto 5.2.1 sometimes lets two (or more)
// through, each "creating" the parameter (versions 1, 2, ...): the
// existence check and the append of the new version are separate steps.
// The window is a few Python statements with no I/O, so Python's GIL all
// but closes it: without the patch the test passed 50 runs of 50 here
// (10,000 creates), so it guards the patch's behaviour rather than proving
// it is needed; TestEmulatorLockS3CreateRace is the one that fails.
func TestEmulatorLockSSMCreateRace(t *testing.T) {
	e := newEnv(t)
	c := newLockClients(e)
	for round := range lockRounds {
		name := fmt.Sprintf("/eksctl-lite/locks/%s/%s", e.region, e.uniqueName("race"))
		versions := make([]int64, lockRacers)
		errs := race(lockRacers, func(i int) error {
			out, err := c.createParameter(t.Context(), name, fmt.Sprintf("holder-%d", i))
			if err == nil {
				versions[i] = out.Version
			}
			return err
		})
		won := winners(errs)
		if len(won) != 1 {
			var vs []int64
			for _, i := range won {
				vs = append(vs, versions[i])
			}
			t.Fatalf("round %d: %d of %d creates of %s succeeded (versions %v), want exactly 1; %s",
				round, len(won), lockRacers, name, vs, tally(errs))
		}
		for i, err := range errs {
			if err != nil {
				requireParameterExists(t, fmt.Sprintf("round %d, create %d (%s)", round, i, tally(errs)), err)
			}
		}
		got, err := c.ssm.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String(name)})
		if err != nil {
			t.Fatalf("GetParameter %s: %v", name, err)
		}
		if want := fmt.Sprintf("holder-%d", won[0]); aws.ToString(got.Parameter.Value) != want || got.Parameter.Version != 1 || versions[won[0]] != 1 {
			t.Fatalf("round %d: parameter %q version %d (PutParameter said %d), want %q version 1",
				round, aws.ToString(got.Parameter.Value), got.Parameter.Version, versions[won[0]], want)
		}
	}
}

// TestEmulatorLockS3CreateRace: of lockRacers concurrent PutObject
// If-None-Match "*" of one new key, exactly one succeeds and its body is
// stored; every other gets HTTP 412 PreconditionFailed. Switch:
// atomic-writes. Without it moto 5.2.1 lets several through (each
// overwriting the last): it looks the key up, then reads checksums and
// ACLs and builds the object before storing it; with bodies past its
// in-memory buffer (raceObjectPadding) that window lets other requests in,
// and the test failed 5 runs of 5 here: two or three writes succeed, or a
// "winner" answers HTTP 500 (moto closed its replaced object's file while
// computing its ETag).
func TestEmulatorLockS3CreateRace(t *testing.T) {
	e := newEnv(t)
	c := newLockClients(e)
	bucket := c.createBucket(t, e)
	for round := range lockRounds {
		key := fmt.Sprintf("locks/%s/%s.lock", e.region, e.uniqueName("race"))
		errs := race(lockRacers, func(i int) error {
			_, err := c.createObject(t.Context(), bucket, key, fmt.Sprintf("holder-%d", i)+strings.Repeat(" ", raceObjectPadding))
			return err
		})
		won := winners(errs)
		if len(won) != 1 {
			t.Fatalf("round %d: %d of %d conditional writes of %s succeeded (%v), want exactly 1; %s",
				round, len(won), lockRacers, key, won, tally(errs))
		}
		for i, err := range errs {
			if err != nil {
				requirePreconditionFailed(t, fmt.Sprintf("round %d, write %d (%s)", round, i, tally(errs)), err)
			}
		}
		got, err := c.s3.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("GetObject %s: %v", key, err)
		}
		body, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if want := fmt.Sprintf("holder-%d", won[0]); strings.TrimRight(string(body), " ") != want {
			t.Fatalf("round %d: object holds %q, want the winner's %q", round, body, want)
		}
	}
}

// TestEmulatorLockSSMParameterLifecycle: the lock's life as SSM parameter:
// create, a second create ParameterAlreadyExists (AWS's message), read,
// delete, read and delete again ParameterNotFound, create again (version 1).
// moto 5.2.1 already does this (no switch); the test guards the patch's
// wrapper, which must leave it so.
func TestEmulatorLockSSMParameterLifecycle(t *testing.T) {
	e := newEnv(t)
	c := newLockClients(e)
	ctx := t.Context()
	name := fmt.Sprintf("/eksctl-lite/locks/%s/%s", e.region, e.uniqueName("life"))
	out, err := c.createParameter(ctx, name, `{"id":"one"}`)
	if err != nil || out.Version != 1 {
		t.Fatalf("first create: version %v, %v; want version 1", out, err)
	}
	_, err = c.createParameter(ctx, name, `{"id":"two"}`)
	requireParameterExists(t, "second create", err)
	if httpStatus(err) != http.StatusBadRequest {
		t.Errorf("second create: HTTP %d, want 400", httpStatus(err))
	}
	got, err := c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("GetParameter: %v", err)
	}
	if aws.ToString(got.Parameter.Value) != `{"id":"one"}` || got.Parameter.Version != 1 {
		t.Fatalf("GetParameter: %q version %d, want the first create's value, version 1", aws.ToString(got.Parameter.Value), got.Parameter.Version)
	}
	if _, err := c.ssm.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)}, noRetrySSM); err != nil {
		t.Fatalf("DeleteParameter: %v", err)
	}
	var notFound *ssmtypes.ParameterNotFound
	if _, err := c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)}, noRetrySSM); !errors.As(err, &notFound) {
		t.Fatalf("GetParameter after delete: want ParameterNotFound, got %v", err)
	}
	if _, err := c.ssm.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)}, noRetrySSM); !errors.As(err, &notFound) {
		t.Fatalf("DeleteParameter again: want ParameterNotFound, got %v", err)
	}
	out, err = c.createParameter(ctx, name, `{"id":"three"}`)
	if err != nil || out.Version != 1 {
		t.Fatalf("create after delete: %v, %v; want version 1", out, err)
	}
}

// TestEmulatorLockS3ObjectLifecycle: the lock's life as S3 object: a
// conditional write, a second one HTTP 412 PreconditionFailed, HeadObject
// and GetObject, DeleteObject HTTP 204, HeadObject 404 NotFound, GetObject
// NoSuchKey, DeleteObject of the missing key HTTP 204 again (S3 does not
// say whether the key existed), a conditional write again. moto 5.2.1
// already does this (no switch); the test guards the patch's wrapper.
func TestEmulatorLockS3ObjectLifecycle(t *testing.T) {
	e := newEnv(t)
	c := newLockClients(e)
	ctx := t.Context()
	bucket := c.createBucket(t, e)
	key := "locks/" + e.uniqueName("life") + ".lock"
	if _, err := c.createObject(ctx, bucket, key, "one"); err != nil {
		t.Fatalf("first conditional write: %v", err)
	}
	_, err := c.createObject(ctx, bucket, key, "two")
	requirePreconditionFailed(t, "second conditional write", err)
	head, err := c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, noRetryS3)
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	if aws.ToInt64(head.ContentLength) != 3 || aws.ToString(head.ETag) == "" {
		t.Errorf("HeadObject: length %d, ETag %q; want 3 and an ETag", aws.ToInt64(head.ContentLength), aws.ToString(head.ETag))
	}
	got, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, noRetryS3)
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "one" {
		t.Fatalf("GetObject: %q, want the first write's %q", body, "one")
	}
	for _, what := range []string{"DeleteObject", "DeleteObject of the missing key"} {
		del, err := c.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, noRetryS3)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if st := rawStatus(del.ResultMetadata); st != http.StatusNoContent {
			t.Errorf("%s: HTTP %d, want 204", what, st)
		}
		_, err = c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, noRetryS3)
		var nf *s3types.NotFound
		if !errors.As(err, &nf) || httpStatus(err) != http.StatusNotFound {
			t.Fatalf("HeadObject after %s: want 404 NotFound, got %v", what, err)
		}
		_, err = c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, noRetryS3)
		var nsk *s3types.NoSuchKey
		if !errors.As(err, &nsk) || httpStatus(err) != http.StatusNotFound {
			t.Fatalf("GetObject after %s: want 404 NoSuchKey, got %v", what, err)
		}
	}
	if _, err := c.createObject(ctx, bucket, key, "three"); err != nil {
		t.Fatalf("conditional write after delete: %v", err)
	}
}
