"""The EKS cluster security group as an EC2 security group (issue 11:
self-managed nodes are launched with it, or with a node group security
group whose rules name it).

eks_fidelity gives every cluster a made-up clusterSecurityGroupId and vpcId
without consulting moto's EC2 (subnets are not checked), so a launch
template naming the cluster security group fails in EC2
(InvalidGroup.NotFound). When all of a cluster's subnets exist in moto's
EC2, the emulator does what EKS does ("Amazon EKS creates a security group
... named eks-cluster-sg-<cluster>-<uniqueID>", EKS user guide, "View
Amazon EKS security group requirements for clusters"):

  * vpcId is the subnets' VPC (subnets of two VPCs: InvalidParameterException);
  * the cluster security group exists in that VPC, described "EKS created
    security group applied to ENI that is attached to EKS Control Plane
    master nodes, as well as any managed workloads.", tagged Name,
    aws:eks:cluster-name and kubernetes.io/cluster/<name>=owned, with an
    inbound rule for all traffic from itself;
  * DeleteCluster deletes it (unless something still uses it).

Clusters on subnets that EC2 does not have (most tests: made-up ids, no
EC2 backend built) keep the made-up ids. Switch (control.DISABLED):

  eks-cluster-sg   everything above (off: made-up ids for every cluster)
"""

import secrets

import control
import eks_fidelity as ef
from moto.eks.models import EKSBackend

RULE = "eks-cluster-sg"
DESCRIPTION = ("EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, "
               "as well as any managed workloads.")


def enabled():
    return RULE not in control.DISABLED


def _ec2_if_built(account, region):
    """moto's EC2 backend of the account and region if something built it
    already (building one costs time after every reset); else None."""
    from moto.ec2.models import ec2_backends

    per_account = dict.get(ec2_backends, account)
    return dict.get(per_account, region) if per_account is not None else None


def _subnets(ec2, ids):
    out = []
    for i in ids:
        try:
            out.append(ec2.get_subnet(i))
        except Exception:
            return None
    return out


def install():
    if not enabled():
        return
    create = EKSBackend.create_cluster
    delete = EKSBackend.delete_cluster

    def create_cluster(self, **kw):
        existing = self.clusters.get(kw.get("name"))
        ec2 = _ec2_if_built(self.account_id, self.region_name)
        subnets = _subnets(ec2, (kw.get("resources_vpc_config") or {}).get("subnetIds") or []) if ec2 else None
        if subnets:
            vpcs = sorted({s.vpc_id for s in subnets})
            if len(vpcs) > 1:
                raise ef._invalid("Subnets %s are not all in the same VPC (%s)" % (
                    ", ".join(s.id for s in subnets), ", ".join(vpcs)), kw.get("name"))
        cluster = create(self, **kw)
        if cluster is existing or not subnets:
            return cluster
        name = cluster.name
        sg_name = "eks-cluster-sg-%s-%d" % (name[:63], secrets.randbelow(9 * 10**9) + 10**9)
        sg = ec2.create_security_group(sg_name, DESCRIPTION, vpc_id=subnets[0].vpc_id, tags={
            "Name": sg_name, "aws:eks:cluster-name": name, "kubernetes.io/cluster/%s" % name: "owned"})
        try:
            ec2.authorize_security_group_ingress(sg.id, "-1", None, None, [],
                                                 source_groups=[{"GroupId": sg.id, "UserId": self.account_id}])
        except Exception:
            pass  # the self-reference is descriptive only
        cluster.resources_vpc_config["vpcId"] = subnets[0].vpc_id
        cluster.resources_vpc_config["clusterSecurityGroupId"] = sg.id
        ef._st(cluster)["ec2_security_group"] = sg.id
        return cluster

    def delete_cluster(self, name):
        cluster = delete(self, name)
        sg = ef._st(cluster).pop("ec2_security_group", None)
        ec2 = _ec2_if_built(self.account_id, self.region_name)
        if sg and ec2 is not None:
            try:
                ec2.delete_security_group(group_id=sg)
            except Exception:
                pass  # still in use (instances, other groups' rules): AWS would keep it too
        return cluster

    EKSBackend.create_cluster = create_cluster
    EKSBackend.delete_cluster = delete_cluster
