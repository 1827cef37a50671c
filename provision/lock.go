package provision

// Locks: two runs never apply to one cluster at once. There is no state
// file to lock, so each cluster has a lock of its own, built on an atomic
// primitive AWS already has:
//
//   - by default an SSM parameter per cluster, /eksctl-lite/locks/REGION/
//     CLUSTER in the cluster's region, created with Overwrite=false, which
//     SSM refuses atomically when it exists (ParameterAlreadyExists);
//   - with settings { lock { s3_bucket } }, an S3 object per cluster,
//     written with If-None-Match: "*", which S3 refuses atomically when it
//     exists (412 PreconditionFailed), as Terraform's S3 backend locks.
//
// The lock's value says who holds it (LockInfo), with an ID: only that ID
// releases it (the run that took it, or force-unlock). Runs take the locks
// they need in sorted order, so two runs cannot deadlock.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// LockKey names the lock of one cluster (or connected cluster).
type LockKey struct {
	Region  string `json:"region"`
	Cluster string `json:"cluster"`
}

func (k LockKey) String() string { return k.Cluster + " in " + k.Region }

// LockInfo is what a lock says of its holder.
type LockInfo struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"`
	Who       string    `json:"who"`
	PID       int       `json:"pid"`
	CIJob     string    `json:"ci_job,omitempty"`
	Created   time.Time `json:"created"`
	// Summary is what the holder set out to do ("Plan: 1 to add, ...").
	Summary string `json:"summary,omitempty"`
}

// describe is the holder in words.
func (i LockInfo) describe() string {
	s := fmt.Sprintf("%s by %s (pid %d) since %s", i.Operation, i.Who, i.PID, i.Created.UTC().Format(time.RFC3339))
	if i.CIJob != "" {
		s += ", CI job " + i.CIJob
	}
	if i.Summary != "" {
		s += "; " + i.Summary
	}
	return s
}

// NewLockInfo describes this process as a lock holder for operation
// ("apply", "destroy", "plan"), with its CI job's URL when the
// environment names one.
func NewLockInfo(operation string, environ []string) LockInfo {
	var id [16]byte
	_, _ = rand.Read(id[:])
	h := hex.EncodeToString(id[:])
	who := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		who = u.Username
	} else if v := envValue(environ, "USER"); v != "" {
		who = v
	}
	if host, err := os.Hostname(); err == nil {
		who += "@" + host
	}
	return LockInfo{
		ID:        h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32],
		Operation: operation, Who: who, PID: os.Getpid(), CIJob: ciJobURL(environ), Created: time.Now().UTC(),
	}
}

// ciJobURL is the URL of the CI job the process runs in, "" when none is
// known: GitHub Actions, GitLab CI, Buildkite, CircleCI, Jenkins.
func ciJobURL(environ []string) string {
	if envValue(environ, "GITHUB_ACTIONS") == "true" {
		if server, repo, run := envValue(environ, "GITHUB_SERVER_URL"), envValue(environ, "GITHUB_REPOSITORY"), envValue(environ, "GITHUB_RUN_ID"); server != "" && repo != "" && run != "" {
			return server + "/" + repo + "/actions/runs/" + run
		}
	}
	for _, name := range []string{"CI_JOB_URL", "BUILDKITE_BUILD_URL", "CIRCLE_BUILD_URL", "BUILD_URL"} {
		if v := envValue(environ, name); v != "" {
			return v
		}
	}
	return ""
}

func envValue(environ []string, name string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

// LockHeldError says a lock is held by another run.
type LockHeldError struct {
	Key    LockKey
	Holder LockInfo
	// Where is the lock's place (the SSM parameter, the S3 object).
	Where string
}

func (e *LockHeldError) Error() string {
	return fmt.Sprintf("cluster %s is locked by another run: %s (%s).\nLock ID: %s\nWait for it to finish (or give --lock-timeout); if that run was killed, remove its lock with: eksctl-lite force-unlock %s %s --region %s",
		e.Key, e.Holder.describe(), e.Where, e.Holder.ID, e.Key.Cluster, e.Holder.ID, e.Key.Region)
}

// ErrLockNotFound is what Unlock says of a lock that is not there.
var ErrLockNotFound = errors.New("no such lock")

// LockIDMismatchError refuses to remove a lock held under another ID.
type LockIDMismatchError struct {
	Key    LockKey
	Holder LockInfo
	Given  string
}

func (e *LockIDMismatchError) Error() string {
	return fmt.Sprintf("the lock of cluster %s has ID %s, not %s (held: %s); nothing was removed", e.Key, e.Holder.ID, e.Given, e.Holder.describe())
}

// Locker takes and releases the locks of clusters.
type Locker interface {
	// Lock takes key's lock for info, or fails with *LockHeldError.
	Lock(ctx context.Context, key LockKey, info LockInfo) error
	// Unlock removes key's lock if it has ID id (*LockIDMismatchError
	// otherwise, ErrLockNotFound when there is none).
	Unlock(ctx context.Context, key LockKey, id string) error
	// Rewrite replaces what key's lock, held by this run, says of it.
	Rewrite(ctx context.Context, key LockKey, info LockInfo) error
	// Describe names where the locks are, for messages.
	Describe() string
}

// LockSettings are where a plan's locks are: nil for SSM, else S3 (the
// settings block's lock block, kept in saved plans).
type LockSettings struct {
	S3Bucket string `json:"s3_bucket"`
	S3Prefix string `json:"s3_prefix,omitempty"`
	S3Region string `json:"s3_region,omitempty"`
}

// LockSettingsOf converts the configuration's lock block.
func LockSettingsOf(l *spec.Lock) *LockSettings {
	if l == nil {
		return nil
	}
	return &LockSettings{S3Bucket: l.S3Bucket, S3Prefix: l.S3Prefix, S3Region: l.S3Region}
}

// NewLocker returns the locker of settings.
func NewLocker(settings *LockSettings, clients ClientsFactory) (Locker, error) {
	if settings == nil {
		return &ssmLocker{clients: clients}, nil
	}
	c, err := clients(settings.S3Region)
	if err != nil {
		return nil, err
	}
	if c.S3 == nil {
		return nil, errors.New("no S3 client")
	}
	return &s3Locker{api: c.S3, bucket: settings.S3Bucket, prefix: settings.S3Prefix}, nil
}

// LockParameterName is the SSM parameter of key's lock.
func LockParameterName(key LockKey) string {
	return "/eksctl-lite/locks/" + key.Region + "/" + key.Cluster
}

type ssmLocker struct{ clients ClientsFactory }

func (l *ssmLocker) Describe() string { return "SSM parameters /eksctl-lite/locks/REGION/CLUSTER" }

func (l *ssmLocker) api(region string) (SSMAPI, error) {
	c, err := l.clients(region)
	if err != nil {
		return nil, err
	}
	return c.SSM, nil
}

func (l *ssmLocker) Lock(ctx context.Context, key LockKey, info LockInfo) error {
	api, err := l.api(key.Region)
	if err != nil {
		return err
	}
	value, _ := json.Marshal(info)
	name := LockParameterName(key)
	_, err = api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(string(value)),
		Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(false),
		Description: aws.String("eksctl-lite lock of cluster " + key.String() + "; remove with eksctl-lite force-unlock")})
	var exists *ssmtypes.ParameterAlreadyExists
	if errors.As(err, &exists) {
		holder, herr := l.holder(ctx, api, name)
		if herr != nil {
			return fmt.Errorf("cluster %s is locked (%s), and its holder cannot be read: %w", key, name, herr)
		}
		return &LockHeldError{Key: key, Holder: holder, Where: "SSM parameter " + name}
	}
	if err != nil {
		return fmt.Errorf("taking the lock of cluster %s (SSM parameter %s): %w", key, name, err)
	}
	return nil
}

func (l *ssmLocker) Rewrite(ctx context.Context, key LockKey, info LockInfo) error {
	api, err := l.api(key.Region)
	if err != nil {
		return err
	}
	value, _ := json.Marshal(info)
	_, err = api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(LockParameterName(key)), Value: aws.String(string(value)),
		Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true)})
	return err
}

func (l *ssmLocker) holder(ctx context.Context, api SSMAPI, name string) (LockInfo, error) {
	out, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	if err != nil {
		return LockInfo{}, err
	}
	var info LockInfo
	if err := json.Unmarshal([]byte(aws.ToString(out.Parameter.Value)), &info); err != nil {
		return LockInfo{}, fmt.Errorf("the lock %s holds no eksctl-lite lock: %w", name, err)
	}
	return info, nil
}

func (l *ssmLocker) Unlock(ctx context.Context, key LockKey, id string) error {
	api, err := l.api(key.Region)
	if err != nil {
		return err
	}
	name := LockParameterName(key)
	holder, err := l.holder(ctx, api, name)
	var missing *ssmtypes.ParameterNotFound
	if errors.As(err, &missing) {
		return ErrLockNotFound
	}
	if err != nil {
		return fmt.Errorf("reading the lock of cluster %s (SSM parameter %s): %w", key, name, err)
	}
	if holder.ID != id {
		return &LockIDMismatchError{Key: key, Holder: holder, Given: id}
	}
	if _, err := api.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)}); err != nil && !errors.As(err, &missing) {
		return fmt.Errorf("releasing the lock of cluster %s (SSM parameter %s): %w", key, name, err)
	}
	return nil
}

// S3API is the part of S3 the S3 lock backend calls.
type S3API interface {
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	DeleteObject(context.Context, *s3.DeleteObjectInput, ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

var _ S3API = (*s3.Client)(nil)

type s3Locker struct {
	api            S3API
	bucket, prefix string
}

// LockObjectKey is the S3 key of key's lock under prefix.
func LockObjectKey(prefix string, key LockKey) string {
	return prefix + key.Region + "/" + key.Cluster + ".lock"
}

func (l *s3Locker) Describe() string {
	return "S3 objects s3://" + l.bucket + "/" + l.prefix + "REGION/CLUSTER.lock"
}

func (l *s3Locker) where(key LockKey) string {
	return "S3 object s3://" + l.bucket + "/" + LockObjectKey(l.prefix, key)
}

func (l *s3Locker) Lock(ctx context.Context, key LockKey, info LockInfo) error {
	value, _ := json.Marshal(info)
	_, err := l.api.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(LockObjectKey(l.prefix, key)),
		Body: bytes.NewReader(value), IfNoneMatch: aws.String("*"), ContentType: aws.String("application/json")})
	if s3Code(err) == "PreconditionFailed" || s3Code(err) == "ConditionalRequestConflict" {
		holder, herr := l.holder(ctx, key)
		if herr != nil {
			return fmt.Errorf("cluster %s is locked (%s), and its holder cannot be read: %w", key, l.where(key), herr)
		}
		return &LockHeldError{Key: key, Holder: holder, Where: l.where(key)}
	}
	if err != nil {
		return fmt.Errorf("taking the lock of cluster %s (%s): %w", key, l.where(key), err)
	}
	return nil
}

func (l *s3Locker) Rewrite(ctx context.Context, key LockKey, info LockInfo) error {
	value, _ := json.Marshal(info)
	_, err := l.api.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(LockObjectKey(l.prefix, key)),
		Body: bytes.NewReader(value), ContentType: aws.String("application/json")})
	return err
}

func (l *s3Locker) holder(ctx context.Context, key LockKey) (LockInfo, error) {
	out, err := l.api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(LockObjectKey(l.prefix, key))})
	if err != nil {
		return LockInfo{}, err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, 64<<10))
	if err != nil {
		return LockInfo{}, err
	}
	var info LockInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return LockInfo{}, fmt.Errorf("%s holds no eksctl-lite lock: %w", l.where(key), err)
	}
	return info, nil
}

func (l *s3Locker) Unlock(ctx context.Context, key LockKey, id string) error {
	holder, err := l.holder(ctx, key)
	if c := s3Code(err); c == "NoSuchKey" || c == "NotFound" {
		return ErrLockNotFound
	}
	if err != nil {
		return fmt.Errorf("reading the lock of cluster %s (%s): %w", key, l.where(key), err)
	}
	if holder.ID != id {
		return &LockIDMismatchError{Key: key, Holder: holder, Given: id}
	}
	if _, err := l.api.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(LockObjectKey(l.prefix, key))}); err != nil {
		return fmt.Errorf("releasing the lock of cluster %s (%s): %w", key, l.where(key), err)
	}
	return nil
}

func s3Code(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// Locks are the locks one run holds.
type Locks struct {
	locker Locker
	info   LockInfo
	held   []LockKey
}

// Holds reports whether key's lock is held.
func (l *Locks) Holds(key LockKey) bool {
	for _, k := range l.held {
		if k == key {
			return true
		}
	}
	return false
}

// AcquireLocks takes the locks of keys, in sorted order, for info. A lock
// held by another run is waited for, polling every poll, for up to
// timeout (0: not at all); the locks taken meanwhile are released while
// waiting, so that a run waiting for one never blocks others. It fails
// with the *LockHeldError of the lock it could not take, holding nothing.
func AcquireLocks(ctx context.Context, locker Locker, keys []LockKey, info LockInfo, timeout, poll time.Duration) (*Locks, error) {
	keys = sortedKeysOf(keys)
	l := &Locks{locker: locker, info: info}
	deadline := time.Now().Add(timeout)
	for {
		err := l.add(ctx, keys)
		var held *LockHeldError
		if !errors.As(err, &held) || !time.Now().Add(poll).Before(deadline) {
			return l.failed(ctx, err)
		}
		_ = l.Release(context.WithoutCancel(ctx))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the lock of cluster %s: %w", held.Key, ctx.Err())
		case <-time.After(poll):
		}
	}
}

// Extend takes the locks of keys this run does not hold yet (clusters a
// plan made under the lock turned out to change too).
func (l *Locks) Extend(ctx context.Context, keys []LockKey) error {
	var more []LockKey
	for _, k := range sortedKeysOf(keys) {
		if !l.Holds(k) {
			more = append(more, k)
		}
	}
	return l.add(ctx, more)
}

func (l *Locks) add(ctx context.Context, keys []LockKey) error {
	for _, k := range keys {
		if err := l.locker.Lock(ctx, k, l.info); err != nil {
			return err
		}
		l.held = append(l.held, k)
	}
	return nil
}

func (l *Locks) failed(ctx context.Context, err error) (*Locks, error) {
	if err == nil {
		return l, nil
	}
	if rerr := l.Release(context.WithoutCancel(ctx)); rerr != nil {
		err = errors.Join(err, rerr)
	}
	return nil, err
}

// Release removes every lock the run holds, in reverse order, even when
// ctx is cancelled (an interrupted run still releases).
func (l *Locks) Release(ctx context.Context) error {
	if l == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	var errs []error
	for i := len(l.held) - 1; i >= 0; i-- {
		if err := l.locker.Unlock(ctx, l.held[i], l.info.ID); err != nil && !errors.Is(err, ErrLockNotFound) {
			errs = append(errs, err)
		}
	}
	l.held = nil
	return errors.Join(errs...)
}

// Annotate makes every lock the run holds say what it is about to do
// (the plan's summary), so that a run refused by it can tell.
func (l *Locks) Annotate(ctx context.Context, summary string) error {
	if l == nil {
		return nil
	}
	l.info.Summary = summary
	var errs []error
	for _, k := range l.held {
		if err := l.locker.Rewrite(ctx, k, l.info); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Info is what the run's locks say of it.
func (l *Locks) Info() LockInfo { return l.info }

func sortedKeysOf(keys []LockKey) []LockKey {
	seen := map[LockKey]bool{}
	var out []LockKey
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Region != out[j].Region {
			return out[i].Region < out[j].Region
		}
		return out[i].Cluster < out[j].Cluster
	})
	return out
}

// ConfigLockKeys are the locks of the clusters and connected clusters a
// configuration declares, with their regions resolved as a plan resolves
// them.
func ConfigLockKeys(cfg *spec.Config, clients ClientsFactory) ([]LockKey, error) {
	var keys []LockKey
	add := func(name, region string) error {
		_, r, err := resolveRegion(clients, region)
		if err != nil {
			return fmt.Errorf("cluster %q: %w", name, err)
		}
		keys = append(keys, LockKey{Region: r, Cluster: name})
		return nil
	}
	for _, c := range cfg.Clusters {
		if err := add(c.Name, c.Region); err != nil {
			return nil, err
		}
	}
	for _, c := range cfg.ConnectedClusters {
		if err := add(c.Name, c.Region); err != nil {
			return nil, err
		}
	}
	return sortedKeysOf(keys), nil
}

// LockKeys are the locks of the clusters the plan changes (any change
// that is not a no-op), sorted.
func (p *Plan) LockKeys() []LockKey {
	var keys []LockKey
	for _, ch := range p.Changes {
		if ch.Action != NoOp {
			keys = append(keys, LockKey{Region: ch.Region, Cluster: ch.Cluster})
		}
	}
	return sortedKeysOf(keys)
}
