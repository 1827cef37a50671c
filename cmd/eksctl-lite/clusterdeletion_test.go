package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

// removedEKS holds one cluster, "gone", that configuration "platform"
// created and no longer declares; it records whether it was deleted.
type removedEKS struct {
	emptyEKS
	mu      *sync.Mutex
	deleted *bool
}

func (f removedEKS) ListClusters(context.Context, *eks.ListClustersInput, ...func(*eks.Options)) (*eks.ListClustersOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if *f.deleted {
		return &eks.ListClustersOutput{}, nil
	}
	return &eks.ListClustersOutput{Clusters: []string{"gone"}}, nil
}

func (f removedEKS) DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, o ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if aws.ToString(in.Name) != "gone" || *f.deleted {
		return f.emptyEKS.DescribeCluster(ctx, in, o...)
	}
	return &eks.DescribeClusterOutput{Cluster: &ekstypes.Cluster{Name: aws.String("gone"), Arn: aws.String("arn:aws:eks:us-east-1:111122223333:cluster/gone"),
		Version: aws.String("1.34"), Status: ekstypes.ClusterStatusActive, RoleArn: aws.String("arn:aws:iam::111122223333:role/theirs"),
		Tags: map[string]string{provision.TagCluster: "gone", provision.TagRegion: "us-east-1", provision.TagAddress: "cluster.gone", provision.TagConfiguration: "platform"}}}, nil
}

func (f removedEKS) DeleteCluster(_ context.Context, in *eks.DeleteClusterInput, _ ...func(*eks.Options)) (*eks.DeleteClusterOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*f.deleted = true
	return &eks.DeleteClusterOutput{}, nil
}

// apply and destroy delete a cluster whose block was removed only with
// --allow-cluster-deletion; without it, they refuse before any change
// (issue 8, item 5), also from a saved plan.
func TestApplyNeedsAllowClusterDeletion(t *testing.T) {
	offlineAWS(t)
	t.Setenv("EKSCTL_LITE_POLL_INTERVAL", "1ms")
	dir := filepath.Join(t.TempDir(), "platform")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The configuration declares "kept" (to be created) and no longer
	// "gone". Nothing but reads is faked: a refusal must come before any
	// action.
	spec := "cluster \"kept\" {\n  region = \"us-east-1\"\n  role_arn = \"arn:aws:iam::111122223333:role/eks\"\n  vpc {\n    subnet_ids = [\"subnet-0a1b2c3d4e5f60001\", \"subnet-0a1b2c3d4e5f60002\"]\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	deleted := false
	fakeClients(t, &provision.Clients{EKS: removedEKS{emptyEKS: emptyEKS{calls: new(int)}, mu: &sync.Mutex{}, deleted: &deleted}, IAM: emptyIAM{calls: new(int)}, EC2: emptyEC2{}, AutoScaling: emptyAutoScaling{}})

	planFile := filepath.Join(t.TempDir(), "p.plan")
	if code, _, stderr := runCLI(t, "", "plan", "--out", planFile, dir); code != 0 {
		t.Fatalf("plan --out: exit %d\n%s", code, stderr)
	}
	for name, args := range map[string][]string{
		"apply":            {"apply", "--auto-approve", dir},
		"apply saved plan": {"apply", planFile},
		"destroy":          {"destroy", "--auto-approve", dir},
	} {
		code, stdout, stderr := runCLI(t, "", args...)
		if code != 1 || !strings.Contains(stderr, "--allow-cluster-deletion") || !strings.Contains(stderr, "nothing was changed") {
			t.Errorf("%s: exit %d, want 1 naming --allow-cluster-deletion\nstdout:\n%s\nstderr:\n%s", name, code, stdout, stderr)
		}
		if deleted {
			t.Fatalf("%s deleted the cluster without --allow-cluster-deletion", name)
		}
	}
}
