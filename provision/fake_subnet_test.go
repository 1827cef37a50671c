package provision

// The fake account's EC2 subnets and route tables: a subnet is public when
// its own route table sends 0.0.0.0/0 to an internet gateway; private
// subnets have no table of their own and use their VPC's main table, which
// has no such route.

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

type fakeSubnet struct {
	id, vpc string
	public  bool
	tags    map[string]string
}

// putSubnet adds a subnet to the account's default region.
func (a *fakeAccount) putSubnet(id, vpc string, public bool, tags map[string]string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.in("").subnets[id] = &fakeSubnet{id: id, vpc: vpc, public: public, tags: copyTags(tags)}
}

// subnetTags reads a subnet's tags.
func (a *fakeAccount) subnetTags(id string) map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s := a.in("").subnets[id]; s != nil {
		return copyTags(s.tags)
	}
	return nil
}

func (f *fakeEC2) tagSubnet(id string, tags []ec2types.Tag, add bool) error {
	s := f.r().subnets[id]
	if s == nil {
		return ec2Err("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
	}
	for _, t := range tags {
		k := aws.ToString(t.Key)
		switch {
		case add:
			s.tags[k] = aws.ToString(t.Value)
		case t.Value == nil || s.tags[k] == aws.ToString(t.Value):
			// DeleteTags with a value deletes the tag only with that value.
			delete(s.tags, k)
		}
	}
	return nil
}

func (f *fakeEC2) DescribeSubnets(_ context.Context, in *ec2.DescribeSubnetsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	return eksCall(f.a, "DescribeSubnets", "", func() (*ec2.DescribeSubnetsOutput, error) {
		out := &ec2.DescribeSubnetsOutput{}
		for _, id := range in.SubnetIds {
			if f.r().subnets[id] == nil {
				return nil, ec2Err("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
			}
		}
		for _, id := range sortedKeys(f.r().subnets) {
			s := f.r().subnets[id]
			if len(in.SubnetIds) > 0 && !slices.Contains(in.SubnetIds, id) {
				continue
			}
			ok := true
			for _, flt := range in.Filters {
				switch aws.ToString(flt.Name) {
				case "tag-key":
					found := false
					for _, k := range flt.Values {
						_, has := s.tags[k]
						found = found || has
					}
					ok = ok && found
				default:
					return nil, ec2Err("InvalidParameterValue", "The filter '%s' is invalid", aws.ToString(flt.Name))
				}
			}
			if !ok {
				continue
			}
			var tags []ec2types.Tag
			for _, k := range sortedKeys(s.tags) {
				tags = append(tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(s.tags[k])})
			}
			out.Subnets = append(out.Subnets, ec2types.Subnet{SubnetId: aws.String(id), VpcId: aws.String(s.vpc), Tags: tags})
		}
		return out, nil
	})
}

func (f *fakeEC2) DescribeRouteTables(_ context.Context, in *ec2.DescribeRouteTablesInput, _ ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	return eksCall(f.a, "DescribeRouteTables", "", func() (*ec2.DescribeRouteTablesOutput, error) {
		out := &ec2.DescribeRouteTablesOutput{}
		vpcs := map[string]bool{}
		for _, id := range sortedKeys(f.r().subnets) {
			vpcs[f.r().subnets[id].vpc] = true
		}
		for _, flt := range in.Filters {
			switch aws.ToString(flt.Name) {
			case "association.subnet-id":
				for _, id := range flt.Values {
					if s := f.r().subnets[id]; s != nil && s.public {
						out.RouteTables = append(out.RouteTables, ec2types.RouteTable{
							RouteTableId: aws.String("rtb-" + id), VpcId: aws.String(s.vpc),
							Associations: []ec2types.RouteTableAssociation{{SubnetId: aws.String(id)}},
							Routes: []ec2types.Route{{DestinationCidrBlock: aws.String("10.0.0.0/16"), GatewayId: aws.String("local")},
								{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-" + s.vpc)}},
						})
					}
				}
			case "association.main":
				for _, vpc := range sortedKeys(vpcs) {
					out.RouteTables = append(out.RouteTables, ec2types.RouteTable{
						RouteTableId: aws.String("rtb-main-" + vpc), VpcId: aws.String(vpc),
						Associations: []ec2types.RouteTableAssociation{{Main: aws.Bool(true)}},
						Routes:       []ec2types.Route{{DestinationCidrBlock: aws.String("10.0.0.0/16"), GatewayId: aws.String("local")}},
					})
				}
			default:
				return nil, ec2Err("InvalidParameterValue", "The filter '%s' is invalid", aws.ToString(flt.Name))
			}
		}
		return out, nil
	})
}
