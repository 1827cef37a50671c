package provision

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	awsmiddle "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// recordingListener keeps what a retryListener is told.
type recordingListener struct {
	mu     sync.Mutex
	events []string
	done   int
}

func (l *recordingListener) retrying(_ *retryCall, e retryEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e.String())
}

func (l *recordingListener) callDone(*retryCall) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done++
}

func httpError(status int, code string) error {
	var err error = errors.New("boom")
	if code != "" {
		err = &smithy.GenericAPIError{Code: code, Message: "slow down"}
	}
	return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}
}

// callThroughStack runs one call of operation op through a smithy stack
// with the SDK's retry middleware (the standard retryer with the
// project's attempts, without the waits) and the retry notices; each
// attempt's answer is the next of errs, then success.
func callThroughStack(t *testing.T, ctx context.Context, op string, errs ...error) error {
	t.Helper()
	stack := middleware.NewStack(op, smithyhttp.NewStackRequest)
	if err := stack.Initialize.Add(&awsmiddle.RegisterServiceMetadata{ServiceID: "EKS", OperationName: op}, middleware.Before); err != nil {
		t.Fatal(err)
	}
	retryer := retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
	if err := stack.Finalize.Add(retry.NewAttemptMiddleware(&dialFailFast{RetryerV2: retryer, callTimeout: time.Second}, func(r any) any { return r }), middleware.After); err != nil {
		t.Fatal(err)
	}
	if err := addRetryNotice(stack); err != nil {
		t.Fatal(err)
	}
	attempt := 0
	h := middleware.DecorateHandler(middleware.HandlerFunc(func(ctx context.Context, in any) (any, middleware.Metadata, error) {
		attempt++
		if attempt <= len(errs) {
			return nil, middleware.Metadata{}, errs[attempt-1]
		}
		return "ok", middleware.Metadata{}, nil
	}), stack)
	_, _, err := h.Handle(ctx, struct{}{})
	return err
}

func TestRetryNoticesReportEachRetry(t *testing.T) {
	tests := map[string]struct {
		give     []error
		op       string
		want     []string
		wantFail bool
	}{
		"5xx then success": {
			give: []error{httpError(500, "InternalFailure"), httpError(500, "")},
			want: []string{
				"retrying CreateNodegroup (HTTP 500, attempt 2 of 10)",
				"retrying CreateNodegroup (HTTP 500, attempt 3 of 10)",
			},
		},
		"throttled": {
			give: []error{httpError(400, "ThrottlingException")},
			want: []string{"retrying CreateNodegroup (HTTP 400 ThrottlingException, attempt 2 of 10)"},
		},
		"not retryable": {
			give:     []error{httpError(400, "InvalidParameterException")},
			wantFail: true,
		},
		"gives up after the last attempt": {
			give:     []error{httpError(503, ""), httpError(503, ""), httpError(503, ""), httpError(503, ""), httpError(503, ""), httpError(503, ""), httpError(503, ""), httpError(503, ""), httpError(503, ""), httpError(503, "")},
			wantFail: true,
			want: []string{
				"retrying CreateNodegroup (HTTP 503, attempt 2 of 10)", "retrying CreateNodegroup (HTTP 503, attempt 3 of 10)",
				"retrying CreateNodegroup (HTTP 503, attempt 4 of 10)", "retrying CreateNodegroup (HTTP 503, attempt 5 of 10)",
				"retrying CreateNodegroup (HTTP 503, attempt 6 of 10)", "retrying CreateNodegroup (HTTP 503, attempt 7 of 10)",
				"retrying CreateNodegroup (HTTP 503, attempt 8 of 10)", "retrying CreateNodegroup (HTTP 503, attempt 9 of 10)",
				"retrying CreateNodegroup (HTTP 503, attempt 10 of 10)",
			},
		},
		"cannot connect": {
			give: []error{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, &net.OpError{Op: "dial", Err: errors.New("connection refused")}},
			want: []string{"retrying DescribeCluster (cannot connect, attempt 2 of 3)", "retrying DescribeCluster (cannot connect, attempt 3 of 3)"},
			op:   "DescribeCluster",
		},
		"no retry": {},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			l := &recordingListener{}
			op := tt.op
			if op == "" {
				op = "CreateNodegroup"
			}
			err := callThroughStack(t, withRetryListener(context.Background(), l), op, tt.give...)
			if (err != nil) != tt.wantFail {
				t.Fatalf("err = %v, want failure %v", err, tt.wantFail)
			}
			if d := cmp.Diff(tt.want, l.events); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
			if l.done != 1 {
				t.Errorf("callDone %d times, want once", l.done)
			}
		})
	}
	t.Run("no listener", func(t *testing.T) {
		if err := callThroughStack(t, context.Background(), "DescribeCluster", httpError(500, "")); err != nil {
			t.Fatal(err)
		}
	})
}

// While a call is being retried, the periodic line says so instead of
// "Still creating..."; once the call returns, "Still creating..." is back.
func TestProgressShowsTheRetryInsteadOfStillCreating(t *testing.T) {
	var b bytes.Buffer
	act := NewProgress(&b, 0).begin(&ResourceChange{Address: "cluster.demo.node_group.general", Action: Create}, "")
	defer act.end()
	if got := act.stillLine(); !strings.HasPrefix(got, "cluster.demo.node_group.general: Still creating... [") {
		t.Errorf("before any retry: %q", got)
	}
	ctx := act.watch(context.Background())
	l := retryListenerOf(ctx)
	if l == nil {
		t.Fatal("watch installs no retry listener")
	}
	call := &retryCall{}
	l.retrying(call, retryEvent{Operation: "CreateNodegroup", Cause: "HTTP 500", Attempt: 3, Max: 10})
	if got, want := act.stillLine(), "cluster.demo.node_group.general: retrying CreateNodegroup (HTTP 500, attempt 3 of 10)"; got != want {
		t.Errorf("while retrying: %q, want %q", got, want)
	}
	l.callDone(&retryCall{}) // another call ending does not end this one's retries
	if got := act.stillLine(); !strings.Contains(got, "retrying CreateNodegroup") {
		t.Errorf("after another call ended: %q", got)
	}
	l.callDone(call)
	if got := act.stillLine(); !strings.HasPrefix(got, "cluster.demo.node_group.general: Still creating... [") {
		t.Errorf("after the call returned: %q", got)
	}
}
