package provision

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// testWaiter polls every millisecond and gives up after a second.
var testWaiter = waiter{Interval: time.Millisecond, MaxInterval: 2 * time.Millisecond, Timeout: time.Second, TimeoutEnv: "EKSCTL_LITE_TIMEOUT_TEST"}

func TestUpdateSucceededPollsUntilSuccessful(t *testing.T) {
	statuses := []ekstypes.UpdateStatus{ekstypes.UpdateStatusInProgress, ekstypes.UpdateStatusInProgress, ekstypes.UpdateStatusSuccessful}
	calls := 0
	f := &fakeEKS{describeUpdateFn: func(_ context.Context, in *eks.DescribeUpdateInput) (*eks.DescribeUpdateOutput, error) {
		if aws.ToString(in.Name) != "demo" || aws.ToString(in.UpdateId) != "u-1" || aws.ToString(in.NodegroupName) != "general" {
			t.Errorf("DescribeUpdate(%s, %s, %s)", aws.ToString(in.Name), aws.ToString(in.NodegroupName), aws.ToString(in.UpdateId))
		}
		s := statuses[calls]
		calls++
		return &eks.DescribeUpdateOutput{Update: &ekstypes.Update{Id: in.UpdateId, Status: s}}, nil
	}}
	if err := updateSucceeded(context.Background(), f, testWaiter, "demo", "general", "u-1"); err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Errorf("DescribeUpdate called %d times, want 3 (until Successful)", calls)
	}
}

func TestUpdateFailedReportsErrors(t *testing.T) {
	f := &fakeEKS{describeUpdateFn: func(_ context.Context, in *eks.DescribeUpdateInput) (*eks.DescribeUpdateOutput, error) {
		return &eks.DescribeUpdateOutput{Update: &ekstypes.Update{Id: in.UpdateId, Status: ekstypes.UpdateStatusFailed, Errors: []ekstypes.ErrorDetail{
			{ErrorCode: ekstypes.ErrorCodeNodeCreationFailure, ErrorMessage: aws.String("Instances failed to join the kubernetes cluster"), ResourceIds: []string{"i-123"}},
		}}}, nil
	}}
	err := updateSucceeded(context.Background(), f, testWaiter, "demo", "", "u-2")
	want := "update u-2 of cluster demo failed: NodeCreationFailure: Instances failed to join the kubernetes cluster (i-123)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

func TestWaitersReportHealthIssues(t *testing.T) {
	issueMsg := aws.String("Ec2SubnetInvalidConfiguration")
	tests := map[string]struct {
		run  func(f *fakeEKS) error
		want string
	}{
		"cluster FAILED": {
			run: func(f *fakeEKS) error {
				f.describeClusterFn = func(context.Context, *eks.DescribeClusterInput) (*eks.DescribeClusterOutput, error) {
					return &eks.DescribeClusterOutput{Cluster: &ekstypes.Cluster{Status: ekstypes.ClusterStatusFailed, Health: &ekstypes.ClusterHealth{Issues: []ekstypes.ClusterIssue{
						{Code: ekstypes.ClusterIssueCodeKmsKeyNotFound, Message: aws.String("key not found"), ResourceIds: []string{"arn:kms"}},
					}}}}, nil
				}
				_, err := clusterActive(context.Background(), f, testWaiter, "demo")
				return err
			},
			want: "cluster demo is FAILED: KmsKeyNotFound: key not found (arn:kms)",
		},
		"node group DEGRADED": {
			run: func(f *fakeEKS) error {
				n := 0
				f.describeNodegroupFn = func(context.Context, *eks.DescribeNodegroupInput) (*eks.DescribeNodegroupOutput, error) {
					n++
					st := ekstypes.NodegroupStatusCreating
					if n > 2 {
						st = ekstypes.NodegroupStatusDegraded
					}
					return &eks.DescribeNodegroupOutput{Nodegroup: &ekstypes.Nodegroup{Status: st, Health: &ekstypes.NodegroupHealth{Issues: []ekstypes.Issue{
						{Code: ekstypes.NodegroupIssueCodeEc2SubnetInvalidConfiguration, Message: issueMsg},
					}}}}, nil
				}
				_, err := nodegroupActive(context.Background(), f, testWaiter, "demo", "general")
				return err
			},
			want: "node group general is DEGRADED: Ec2SubnetInvalidConfiguration: Ec2SubnetInvalidConfiguration",
		},
		"Fargate CREATE_FAILED": {
			run: func(f *fakeEKS) error {
				f.describeFargateProfileFn = func(context.Context, *eks.DescribeFargateProfileInput) (*eks.DescribeFargateProfileOutput, error) {
					return &eks.DescribeFargateProfileOutput{FargateProfile: &ekstypes.FargateProfile{Status: ekstypes.FargateProfileStatusCreateFailed, Health: &ekstypes.FargateProfileHealth{Issues: []ekstypes.FargateProfileIssue{
						{Code: ekstypes.FargateProfileIssueCodePodExecutionRoleAlreadyInUse, Message: aws.String("role in use")},
					}}}}, nil
				}
				_, err := fargateActive(context.Background(), f, testWaiter, "demo", "system")
				return err
			},
			want: "Fargate profile system is CREATE_FAILED: PodExecutionRoleAlreadyInUse: role in use",
		},
		"node group DELETE_FAILED": {
			run: func(f *fakeEKS) error {
				f.describeNodegroupFn = func(context.Context, *eks.DescribeNodegroupInput) (*eks.DescribeNodegroupOutput, error) {
					return &eks.DescribeNodegroupOutput{Nodegroup: &ekstypes.Nodegroup{Status: ekstypes.NodegroupStatusDeleteFailed}}, nil
				}
				return nodegroupGone(context.Background(), f, testWaiter, "demo", "general")
			},
			want: "deleting node group general failed: AWS reports no health issue",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := tt.run(&fakeEKS{})
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestWaitGoneIsDoneWhenNotFound(t *testing.T) {
	n := 0
	f := &fakeEKS{describeClusterFn: func(context.Context, *eks.DescribeClusterInput) (*eks.DescribeClusterOutput, error) {
		n++
		if n < 3 {
			return &eks.DescribeClusterOutput{Cluster: &ekstypes.Cluster{Status: ekstypes.ClusterStatusDeleting}}, nil
		}
		return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found for name: demo.")}
	}}
	if err := clusterGone(context.Background(), f, testWaiter, "demo"); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("DescribeCluster called %d times, want 3", n)
	}
}

func TestRetryWaitsOutResourceInUse(t *testing.T) {
	n := 0
	err := testWaiter.retry(context.Background(), "x", isInUse, func(context.Context) error {
		n++
		if n < 4 {
			return &ekstypes.ResourceInUseException{Message: aws.String("busy")}
		}
		return nil
	})
	if err != nil || n != 4 {
		t.Errorf("retry: err %v after %d calls, want nil after 4", err, n)
	}
	other := errors.New("access denied")
	err = testWaiter.retry(context.Background(), "x", isInUse, func(context.Context) error { return other })
	if !errors.Is(err, other) {
		t.Errorf("a non-busy error must not be retried: %v", err)
	}
}

func TestPollTimeoutAndInterrupt(t *testing.T) {
	w := waiter{Interval: time.Millisecond, MaxInterval: time.Millisecond, Timeout: 20 * time.Millisecond, TimeoutEnv: "EKSCTL_LITE_TIMEOUT_NODE_GROUP"}
	err := w.poll(context.Background(), "node group general to become ACTIVE", func(context.Context) (bool, string, error) {
		return false, "CREATING", nil
	})
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("want a timeout, got %v", err)
	}
	for _, want := range []string{"waiting for node group general to become ACTIVE", "last status CREATING", "re-run eksctl-lite apply", "EKSCTL_LITE_TIMEOUT_NODE_GROUP"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("timeout error %q lacks %q", err, want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err = testWaiter.poll(ctx, "cluster demo to become ACTIVE", func(callCtx context.Context) (bool, string, error) {
		calls++
		cancel()
		if callCtx.Err() != nil {
			t.Error("the call in flight saw the stop: it must be allowed to return normally")
		}
		return false, "CREATING", nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("after a stop: err %v after %d calls, want context.Canceled after 1", err, calls)
	}
}

// A step refused as busy is not re-sent once a re-read shows it done, and an
// error from a re-send is forgiven when the busy update turns out to have
// done the step meanwhile ("No changes needed"); without a prior refusal an
// error stands. InvalidRequestException counts as busy only when a re-read
// shows the resource CREATING or UPDATING.
func TestSendUnlessDone(t *testing.T) {
	inUse := &ekstypes.ResourceInUseException{Message: aws.String("busy")}
	noChange := &ekstypes.InvalidParameterException{Message: aws.String("No changes needed")}
	notActive := &ekstypes.InvalidRequestException{Message: aws.String("Cluster is in UPDATING state")}
	tests := map[string]struct {
		sends       []error // what each send returns, in turn
		rereads     []bool  // done, per re-read, in turn
		busy        []bool  // busy, per re-read, in turn (false when absent)
		wantSkipped bool
		wantErr     error
		wantSends   int
	}{
		"accepted at once":                        {sends: []error{nil}, wantSends: 1},
		"busy, then the re-read shows it done":    {sends: []error{inUse}, rereads: []bool{true}, wantSkipped: true, wantSends: 1},
		"busy, still needed, then accepted":       {sends: []error{inUse, nil}, rereads: []bool{false}, wantSends: 2},
		"busy update finished just before resend": {sends: []error{inUse, noChange}, rereads: []bool{false, true}, wantSkipped: true, wantSends: 2},
		"refused for real after busy":             {sends: []error{inUse, noChange}, rereads: []bool{false, false}, wantErr: noChange, wantSends: 2},
		"error without a prior refusal stands":    {sends: []error{noChange}, rereads: []bool{true}, wantErr: noChange, wantSends: 1},
		"invalid request while updating, waited out, then accepted": {
			sends: []error{notActive, nil}, rereads: []bool{false, false}, busy: []bool{true, false}, wantSends: 2},
		"invalid request while updating, then the re-read shows it done": {
			sends: []error{notActive}, rereads: []bool{false, false, true}, busy: []bool{true, true, false}, wantSkipped: true, wantSends: 1},
		"invalid request while updating, then refused for real": {
			sends: []error{notActive, noChange}, rereads: []bool{false, false, false}, busy: []bool{true, false, false}, wantErr: noChange, wantSends: 2},
		"invalid request on a resource not busy stands": {
			sends: []error{notActive}, rereads: []bool{false}, busy: []bool{false}, wantErr: notActive, wantSends: 1},
		"invalid request on a resource not busy stands, even if done": {
			sends: []error{notActive}, rereads: []bool{true}, busy: []bool{false}, wantErr: notActive, wantSends: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			sends, rereads := 0, 0
			send := func(context.Context) error {
				sends++
				return tt.sends[sends-1]
			}
			reread := func(context.Context) (bool, bool, error) {
				rereads++
				busy := rereads <= len(tt.busy) && tt.busy[rereads-1]
				return busy, tt.rereads[rereads-1], nil
			}
			skipped, err := testWaiter.sendUnlessDone(context.Background(), "test", reread, send)
			if !errors.Is(err, tt.wantErr) || skipped != tt.wantSkipped || sends != tt.wantSends {
				t.Errorf("skipped %v err %v sends %d; want skipped %v err %v sends %d", skipped, err, sends, tt.wantSkipped, tt.wantErr, tt.wantSends)
			}
		})
	}
}
