"""Managed node groups with launch templates (issue 11), as the EKS API
reference describes them (CreateNodegroup launchTemplate, amiType, version,
releaseVersion, instanceTypes; UpdateNodegroupVersion launchTemplate;
LaunchTemplateSpecification).

moto 5.2.1 accepts a launch template that does not exist (and one given by
both name and id), describes it without a version, ignores what the
template says (a custom AMI, an instance type) and UpdateNodegroupVersion
has no launchTemplate (eks_fidelity's neither). Switch (control.DISABLED):

  eks-nodegroup-launch-template   everything below (off: moto's behaviour)

CreateNodegroup with launchTemplate:
  * "You must specify either the launch template ID or the launch template
    name in the request, but not both"; the template (and the version, if
    given) must exist: InvalidParameterException;
  * the described launchTemplate has name, id and version; "If no version
    is specified, then the template's default version is used";
  * "The launch template can't include SubnetId, IamInstanceProfile,
    RequestSpotInstances, HibernationOptions, or TerminateInstances":
    InvalidParameterException (EKS makes the instance profile from nodeRole);
  * "If you specify an instance type in your launch template and specify
    any instanceTypes, the node group deployment will fail":
    InvalidParameterException; with the type in the template the node group
    describes no instanceTypes;
  * a template with an ImageId is a custom AMI: amiType, version and
    releaseVersion must not be given ("or the node group deployment will
    fail": InvalidParameterException); the node group describes amiType
    CUSTOM and its AMI id as releaseVersion, and the cluster's version.

UpdateNodegroupVersion with launchTemplate: "You can only update a node
group using a launch template if the node group was originally deployed
with a launch template. When updating, you must specify the same launch
template ID or name" (else InvalidParameterException); a VersionUpdate with
the params LaunchTemplateName and LaunchTemplateVersion (and Version and
ReleaseVersion unless the new version has a custom AMI, which refuses
version and releaseVersion), applied when the update completes.
"""

import control
import eks_fidelity as ef
from moto.core.responses import ActionResult
from moto.eks.models import EKSBackend
from moto.eks.responses import EKSResponse

RULE = "eks-nodegroup-launch-template"

# LaunchTemplateSpecification: "The launch template can't include ..."
FORBIDDEN = {
    "IamInstanceProfile": "IamInstanceProfile (EKS makes the instance profile from the node group's nodeRole)",
    "HibernationOptions": "HibernationOptions",
    "InstanceMarketOptions": "RequestSpotInstances (InstanceMarketOptions; use capacityType SPOT)",
}


def enabled():
    return RULE not in control.DISABLED


def _template(backend, spec, cluster_name):
    """(template, version) of a node group launchTemplate, or InvalidParameterException."""
    from moto.ec2.models import ec2_backends

    spec = spec or {}
    lt_id, name = spec.get("id"), spec.get("name")
    if bool(lt_id) == bool(name):
        raise ef._invalid("You must specify either the launch template ID or the launch template name in the "
                          "request, but not both", cluster_name)
    ec2 = ec2_backends[backend.account_id][backend.region_name]
    try:
        lt = ec2.get_launch_template(lt_id) if lt_id else ec2.get_launch_template_by_name(name)
    except Exception:
        lt = None
    if lt is None:
        raise ef._invalid("Launch template %s does not exist" % (lt_id or name), cluster_name)
    try:
        version = lt.get_version(spec.get("version") or "$Default")
        if spec.get("version") and not str(spec["version"]).isdigit():
            raise ValueError
    except Exception:
        raise ef._invalid("Launch template %s has no version %s" % (lt.name, spec.get("version")), cluster_name)
    return lt, version


def _check_data(version, cluster_name):
    data = version.data
    for key, what in FORBIDDEN.items():
        if data.get(key):
            raise ef._invalid("The launch template %s version %d must not specify %s"
                              % (version.template.name, version.number, what), cluster_name)
    for nic in data.get("NetworkInterfaces") or []:
        if nic.get("SubnetId"):
            raise ef._invalid("The launch template %s version %d must not specify a SubnetId; the node group's "
                              "subnets are used" % (version.template.name, version.number), cluster_name)


def _describe(lt, version):
    return {"name": lt.name, "id": lt.id, "version": str(version.number)}


def create_nodegroup(create):
    def create_nodegroup(self, **kw):
        spec = kw.get("launch_template")
        cluster_name = kw.get("cluster_name")
        if not spec:
            return create(self, **kw)
        cluster = ef._cluster(self, cluster_name)
        existing = cluster.nodegroups.get(kw.get("nodegroup_name"))
        lt, version = _template(self, spec, cluster_name)
        _check_data(version, cluster_name)
        data = version.data
        if data.get("InstanceType") and kw.get("instance_types"):
            raise ef._invalid("Instance types can't be specified both in the request (instanceTypes) and in the "
                              "launch template %s version %d" % (lt.name, version.number), cluster_name)
        custom = data.get("ImageId")
        if custom:
            for key, param in (("ami_type", "amiType"), ("version", "version"), ("release_version", "releaseVersion")):
                if kw.get(key):
                    raise ef._invalid("%s can't be specified when the launch template %s version %d has a custom "
                                      "AMI (ImageId %s)" % (param, lt.name, version.number, custom), cluster_name)
        if not custom and not kw.get("ami_type"):
            # As without a template: Amazon Linux 2023 from Kubernetes 1.30 on
            # (moto: AL2_x86_64 whenever a template is given).
            version_ = kw.get("version") or cluster.version
            kw["ami_type"] = "AL2023_x86_64_STANDARD" if (ef._minor(version_) or 0) >= 30 else "AL2_x86_64"
        ng = create(self, **kw)
        if ng is existing:
            return ng  # a retry of the request that created it
        ng.launch_template = _describe(lt, version)
        if data.get("InstanceType"):
            ng.instance_types = None
        if custom:
            ng.ami_type = "CUSTOM"
            ng.release_version = custom
        return ng

    return create_nodegroup


def update_with_template(backend, cluster_name, nodegroup_name, spec, version, release, token):
    cluster, ng = ef._nodegroup(backend, cluster_name, nodegroup_name)
    current = getattr(ng, "launch_template", None) or {}
    if not current.get("id"):
        raise ef._invalid("Nodegroup %s was not created with a launch template; you can only update a node group "
                          "using a launch template if it was originally deployed with one" % nodegroup_name,
                          cluster_name)
    if (spec.get("id") and spec["id"] != current["id"]) or (spec.get("name") and spec["name"] != current["name"]):
        raise ef._invalid("You must specify the same launch template (%s, %s) that was used to create nodegroup %s"
                          % (current["name"], current["id"], nodegroup_name), cluster_name)
    lt, v = _template(backend, spec, cluster_name)
    _check_data(v, cluster_name)
    custom = v.data.get("ImageId")
    if custom and (version or release):
        raise ef._invalid("version and releaseVersion can't be specified when the launch template %s version %d "
                          "has a custom AMI (ImageId %s)" % (lt.name, v.number, custom), cluster_name)
    lt_params = [("LaunchTemplateName", lt.name), ("LaunchTemplateVersion", str(v.number))]
    if custom:
        request = {"op": "UpdateNodegroupVersion", "launchTemplate": spec}
        replay = ef._replay(ng, token, request, cluster_name)
        if replay:
            return replay
        ef._require_updatable_nodegroup(cluster, ng, "VersionUpdate")

        def apply():
            ng.launch_template = _describe(lt, v)
            ng.release_version, ng.ami_type = custom, "CUSTOM"
            ng.version = cluster.version

        return ef._new_update(ng, "VersionUpdate", lt_params, apply, token, request)
    # An EKS optimized AMI: the version update as without a template, and the template's version.
    u = ef.update_nodegroup_version(backend, cluster_name, nodegroup_name, version=version, release_version_=release,
                                    token=token)
    if not any(p["type"] == "LaunchTemplateVersion" for p in u["params"]):
        u["params"] = [{"type": t, "value": val} for t, val in lt_params] + u["params"]
        inner = u["_apply"]

        def apply_all():
            inner()
            ng.launch_template = _describe(lt, v)
            if ng.ami_type == "CUSTOM":
                ng.ami_type = None

        u["_apply"] = apply_all
    return u


def install():
    if not enabled():
        return
    EKSBackend.create_nodegroup = create_nodegroup(EKSBackend.create_nodegroup)
    plain = EKSResponse.update_nodegroup_version

    def _r_update_nodegroup_version(self):
        spec = self._get_param("launchTemplate")
        if not spec:
            return plain(self)
        u = update_with_template(self.eks_backend, self._get_param("name"), self._get_param("nodegroupName"), spec,
                                 self._get_param("version"), self._get_param("releaseVersion"),
                                 self._get_param("clientRequestToken"))
        return ActionResult({"update": ef._public(u)})

    EKSResponse.update_nodegroup_version = _r_update_nodegroup_version
