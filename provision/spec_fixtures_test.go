package provision

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// Spec fixtures: what spec.Load returns for typical blocks, defaults applied.

func testRange(line int) hcl.Range {
	return hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: line, Column: 1, Byte: 0}, End: hcl.Pos{Line: line, Column: 10, Byte: 9}}
}

func testCluster(name string) *spec.Cluster {
	return &spec.Cluster{
		Name:    name,
		Version: "1.31",
		Tags:    map[string]string{"team": "platform"},
		VPC: spec.VPC{
			SubnetIDs:            []string{"subnet-a", "subnet-b"},
			EndpointPublicAccess: true,
			PublicAccessCIDRs:    []string{"0.0.0.0/0"},
			DeclRange:            testRange(3),
		},
		Logging:   []string{"api", "audit"},
		DeclRange: testRange(1),
	}
}

func testNodeGroup(c *spec.Cluster, name string) *spec.NodeGroup {
	ng := &spec.NodeGroup{
		Name:                  name,
		InstanceTypes:         []string{"t3.medium"},
		AMIType:               "AL2023_x86_64_STANDARD",
		CapacityType:          "ON_DEMAND",
		DiskSize:              20,
		SubnetIDs:             []string{"subnet-a", "subnet-b"},
		Version:               c.Version,
		VersionFollowsCluster: true,
		Labels:                map[string]string{"role": name},
		Scaling:               spec.Scaling{MinSize: 1, MaxSize: 3},
		Taints:                []spec.Taint{{Key: "a", Value: "1", Effect: "NO_SCHEDULE"}, {Key: "b", Effect: "NO_EXECUTE"}},
		DeclRange:             testRange(10),
	}
	c.NodeGroups = append(c.NodeGroups, ng)
	return ng
}

func testFargate(c *spec.Cluster, name string) *spec.FargateProfile {
	fp := &spec.FargateProfile{
		Name:      name,
		SubnetIDs: []string{"subnet-a"},
		Selectors: []spec.Selector{{Namespace: name}},
		DeclRange: testRange(20),
	}
	c.FargateProfiles = append(c.FargateProfiles, fp)
	return fp
}

func testIRSA(c *spec.Cluster, name string) *spec.IRSA {
	ir := &spec.IRSA{
		Name:           name,
		Namespace:      "default",
		ServiceAccount: name,
		RoleName:       c.Name + "-" + name,
		PolicyARNs:     []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
		InlinePolicy:   `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
		DeclRange:      testRange(30),
	}
	c.IRSA = append(c.IRSA, ir)
	return ir
}

// fullCluster has one of everything.
func fullCluster(name string) *spec.Cluster {
	c := testCluster(name)
	testNodeGroup(c, "general")
	testFargate(c, "system")
	testIRSA(c, "s3-reader")
	return c
}

func testConfig(clusters ...*spec.Cluster) *spec.Config {
	return &spec.Config{Clusters: clusters}
}
