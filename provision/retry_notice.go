package provision

// This file lets apply's progress say when an AWS call is being retried.
// The SDK retries a throttled or failed call inside that one call (the
// retryer in aws.go: up to maxAttempts attempts with backoff), so without
// this the log said "Still creating..." for minutes while CreateNodegroup
// had not even been accepted yet. Two smithy middlewares in the Finalize
// step, around the SDK's "Retry" middleware, see every attempt of a call
// and tell the retryListener that progress.go put in the call's context
// (see activity.watch); calls without a listener (plan's reads) are not
// affected.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	awsmiddle "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// retryEvent is one retry the SDK is about to make.
type retryEvent struct {
	// Operation is the AWS call, e.g. "CreateNodegroup".
	Operation string
	// Cause is why the last attempt failed: "HTTP 500",
	// "HTTP 400 ThrottlingException", "cannot connect".
	Cause string
	// Attempt is the attempt about to be made (2 for the first retry), of Max.
	Attempt, Max int
}

// String is "retrying CreateNodegroup (HTTP 500, attempt 3 of 10)".
func (e retryEvent) String() string {
	return fmt.Sprintf("retrying %s (%s, attempt %d of %d)", e.Operation, e.Cause, e.Attempt, e.Max)
}

// retryCall identifies one call (all its attempts) to its listener.
type retryCall struct {
	attempts int
}

// retryListener is told about the retries of the calls made with its
// context: retrying after an attempt failed and another will follow,
// callDone when the call returns, retried or not.
type retryListener interface {
	retrying(c *retryCall, e retryEvent)
	callDone(c *retryCall)
}

type retryListenerKey struct{}
type retryCallKey struct{}

// withRetryListener returns ctx whose AWS calls report their retries to l.
func withRetryListener(ctx context.Context, l retryListener) context.Context {
	return context.WithValue(ctx, retryListenerKey{}, l)
}

func retryListenerOf(ctx context.Context) retryListener {
	l, _ := ctx.Value(retryListenerKey{}).(retryListener)
	return l
}

// withRetryNotices is the config option aws.go loads the SDK with.
var withRetryNotices = config.WithAPIOptions([]func(*middleware.Stack) error{addRetryNotice})

// addRetryNotice puts the two middlewares around the stack's "Retry"
// middleware; a stack without one (it has no retries) is left alone.
func addRetryNotice(stack *middleware.Stack) error {
	if _, ok := stack.Finalize.Get("Retry"); !ok {
		return nil
	}
	if err := stack.Finalize.Insert(retryCallMiddleware{}, "Retry", middleware.Before); err != nil {
		return err
	}
	return stack.Finalize.Insert(retryAttemptMiddleware{operation: stack.ID()}, "Retry", middleware.After)
}

// retryCallMiddleware runs once per call, outside the SDK's retry loop.
type retryCallMiddleware struct{}

func (retryCallMiddleware) ID() string { return "eksctl-lite/RetryNoticeCall" }

func (retryCallMiddleware) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	l := retryListenerOf(ctx)
	if l == nil {
		return next.HandleFinalize(ctx, in)
	}
	c := &retryCall{}
	out, md, err := next.HandleFinalize(context.WithValue(ctx, retryCallKey{}, c), in)
	l.callDone(c)
	return out, md, err
}

// retryAttemptMiddleware runs once per attempt, inside the retry loop.
type retryAttemptMiddleware struct {
	operation string
}

func (retryAttemptMiddleware) ID() string { return "eksctl-lite/RetryNoticeAttempt" }

func (m retryAttemptMiddleware) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	c, _ := ctx.Value(retryCallKey{}).(*retryCall)
	l := retryListenerOf(ctx)
	if c == nil || l == nil {
		return next.HandleFinalize(ctx, in)
	}
	c.attempts++
	out, md, err := next.HandleFinalize(ctx, in)
	if err == nil || ctx.Err() != nil {
		return out, md, err
	}
	max := maxAttempts
	if IsConnectError(err) {
		max = connectMaxAttempts // see dialFailFast in aws.go
	}
	if c.attempts < max && willRetry(err) {
		op := awsmiddle.GetOperationName(ctx)
		if op == "" {
			op = m.operation
		}
		l.retrying(c, retryEvent{Operation: op, Cause: retryCause(err), Attempt: c.attempts + 1, Max: max})
	}
	return out, md, err
}

// willRetry reports whether the retryer of aws.go retries err: the SDK's
// standard checks, except for an endpoint URL that cannot work at all.
func willRetry(err error) bool {
	return !isBadEndpointError(err) && retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err).Bool()
}

// retryCause says briefly why an attempt failed: the HTTP status (with
// the AWS error code, except for 5xx, where it adds nothing), or what went
// wrong with the connection.
func retryCause(err error) string {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != 0 {
		status := re.HTTPStatusCode()
		var api smithy.APIError
		if status < 500 && errors.As(err, &api) && api.ErrorCode() != "" {
			return fmt.Sprintf("HTTP %d %s", status, api.ErrorCode())
		}
		return fmt.Sprintf("HTTP %d", status)
	}
	var ne net.Error
	switch {
	case IsConnectError(err):
		return "cannot connect"
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() != "" {
		return api.ErrorCode()
	}
	return "request failed"
}
