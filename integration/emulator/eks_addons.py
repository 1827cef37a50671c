"""EKS add-ons (issue 10): CreateAddon, DescribeAddon, ListAddons, UpdateAddon,
DeleteAddon, DescribeAddonVersions, DescribeAddonConfiguration.

moto 5.2.1 has none of them (HTTP 404). Shapes, enums and declared errors
are those of botocore's EKS service model. An add-on is CREATING for the
create delay, then ACTIVE; UpdateAddon returns an AddonUpdate (DescribeUpdate
and ListUpdates with addonName) during which the add-on is UPDATING;
DeleteAddon makes it DELETING for the delete delay, then it is gone.
Switches (control.DISABLED):

  addons           the add-on API itself (off: HTTP 404, as moto)
  addon-catalog    versions must be in CATALOG and compatible with the
                   cluster's Kubernetes version; the default version of that
                   Kubernetes version when none is given
  addon-schema     configurationValues validated against the version's JSON
                   schema (DescribeAddonConfiguration)
  addon-lifecycle  the asynchronous states (off: ACTIVE at once, gone at once)
  addon-jsonschema validate with the jsonschema package when it is installed
                   (off: always with the small subset validator below, to
                   test that one; not a fidelity rule, its tests still pass)
"""

import json
import uuid

import eks_fidelity as ef
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.eks import urls as eks_urls
from moto.eks.responses import EKSResponse

try:
    import jsonschema
except ImportError:  # the small subset validator below is used instead
    jsonschema = None
try:
    import yaml
except ImportError:
    yaml = None

enabled = ef.enabled

MINORS = ["1.30", "1.31", "1.32", "1.33", "1.34", "1.35"]

# The add-on catalogue: per add-on, its versions (oldest first), each with
# the Kubernetes versions it is compatible with and those it is the default
# of. Exactly one default per Kubernetes version and add-on (checked below).
# The versions are plausible, in EKS's "vX.Y.Z-eksbuild.N" form, not AWS's
# list (which changes every few weeks: `aws eks describe-addon-versions`).
CATALOG = {
    "vpc-cni": {
        "type": "networking", "sa": [("aws-node", ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"])],
        "versions": [
            ("v1.18.6-eksbuild.1", MINORS[:3], []),
            ("v1.19.2-eksbuild.1", MINORS, MINORS[:4]),
            ("v1.20.4-eksbuild.2", MINORS[1:], MINORS[4:]),
        ],
    },
    "coredns": {
        "type": "networking", "sa": [],
        "versions": [
            ("v1.11.1-eksbuild.9", MINORS[:2], ["1.30"]),
            ("v1.11.3-eksbuild.1", MINORS[:3], ["1.31"]),
            ("v1.11.4-eksbuild.2", MINORS[1:4], ["1.32"]),
            ("v1.12.1-eksbuild.2", MINORS[3:], ["1.33"]),
            ("v1.12.4-eksbuild.1", MINORS[4:], ["1.34", "1.35"]),
        ],
    },
    "kube-proxy": {
        "type": "networking", "sa": [],
        "versions": [v for m in MINORS for v in (
            ("v%s.0-eksbuild.1" % m, [m], []),
            ("v%s.2-eksbuild.3" % m, [m], [m]),
        )],
    },
    "aws-ebs-csi-driver": {
        "type": "storage", "sa": [("ebs-csi-controller-sa", ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"])],
        "versions": [
            ("v1.37.0-eksbuild.1", MINORS[:4], MINORS[:2]),
            ("v1.44.0-eksbuild.1", MINORS, MINORS[2:]),
        ],
    },
    "eks-pod-identity-agent": {
        "type": "security", "sa": [],
        "versions": [
            ("v1.3.4-eksbuild.1", MINORS[:5], MINORS[:3]),
            ("v1.3.8-eksbuild.2", MINORS, MINORS[3:]),
        ],
    },
}
NAMESPACE = "kube-system"  # every add-on of the catalogue installs there

for _name, _a in CATALOG.items():
    for _m in MINORS:
        assert len([v for v, _, d in _a["versions"] if _m in d]) == 1, (_name, _m)
        assert all(_m in compat for _, compat, d in _a["versions"] if _m in d), (_name, _m)

_TF = {"type": "string", "enum": ["true", "false"]}
_RESOURCES = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "limits": {"type": "object", "additionalProperties": False,
                   "properties": {"cpu": {"type": "string"}, "memory": {"type": "string"}}},
        "requests": {"type": "object", "additionalProperties": False,
                     "properties": {"cpu": {"type": "string"}, "memory": {"type": "string"}}},
    },
}


def schema(addon, version):
    """The JSON schema of an add-on version's configuration values, a small
    part of the one EKS publishes (DescribeAddonConfiguration)."""
    props = {"resources": _RESOURCES}
    if addon == "vpc-cni":
        env = {k: _TF for k in ("ENABLE_PREFIX_DELEGATION", "ENABLE_POD_ENI", "AWS_VPC_K8S_CNI_EXTERNALSNAT",
                                 "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG")}
        env.update({k: {"type": "string"} for k in ("WARM_ENI_TARGET", "WARM_IP_TARGET", "WARM_PREFIX_TARGET",
                                                     "MINIMUM_IP_TARGET", "ENI_CONFIG_LABEL_DEF")})
        props["env"] = {"type": "object", "additionalProperties": False, "properties": env}
        if version >= "v1.19":
            props["enableNetworkPolicy"] = _TF
    elif addon == "coredns":
        props["replicaCount"] = {"type": "integer"}
        props["tolerations"] = {"type": "array"}
        props["corefile"] = {"type": "string"}
    elif addon == "kube-proxy":
        props["mode"] = {"type": "string", "enum": ["iptables", "ipvs", "nftables"]}
        props["ipvs"] = {"type": "object", "properties": {"scheduler": {"type": "string"}}}
    elif addon == "aws-ebs-csi-driver":
        props = {"controller": {"type": "object", "additionalProperties": False, "properties": {
            "replicaCount": {"type": "integer"}, "resources": _RESOURCES, "extraVolumeTags": {"type": "object"},
        }}, "defaultStorageClass": {"type": "object", "properties": {"enabled": {"type": "boolean"}}}}
    elif addon == "eks-pod-identity-agent":
        props["agent"] = {"type": "object", "additionalProperties": False, "properties": {
            "additionalArgs": {"type": "object"}}}
    return {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
            "additionalProperties": False, "properties": props}


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _json_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "integer" if isinstance(value, int) else "number"
    for name, t in _TYPES.items():
        if isinstance(value, t):
            return name
    return type(value).__name__


def _subset_errors(value, s, path="$"):
    """JSON schema errors of value for the keywords schema() uses (type,
    properties, additionalProperties false, enum), when jsonschema is
    missing."""
    t = s.get("type")
    if t == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif t == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = t is None or isinstance(value, _TYPES[t])
    if not ok:
        return ["%s: %s found, %s expected" % (path, _json_type(value), t)]
    if "enum" in s and value not in s["enum"]:
        return ["%s: does not have a value in the enumeration %s" % (path, s["enum"])]
    errors = []
    if isinstance(value, dict):
        props = s.get("properties", {})
        for k, v in value.items():
            if k in props:
                errors += _subset_errors(v, props[k], "%s.%s" % (path, k))
            elif s.get("additionalProperties") is False:
                errors.append("%s.%s: is not defined in the schema and the schema does not allow additional properties" % (path, k))
    return errors


def _schema_errors(value, s):
    if jsonschema is None or not enabled("addon-jsonschema"):
        return _subset_errors(value, s)
    out = []
    for e in sorted(jsonschema.Draft7Validator(s).iter_errors(value), key=lambda e: list(e.path)):
        out.append("%s: %s" % ("$" + "".join(".%s" % p for p in e.path), e.message))
    return out


def _check_configuration(addon, version, values, cluster_name):
    if not values or not enabled("addon-schema"):
        return
    try:
        parsed = json.loads(values)
    except ValueError:
        parsed = None
        if yaml is not None:  # EKS accepts JSON or YAML
            try:
                parsed = yaml.safe_load(values)
            except yaml.YAMLError:
                parsed = None
    if not isinstance(parsed, dict):
        raise ef._invalid("ConfigurationValue provided in request is not supported: Json schema validation failed "
                          "with error: [$: the configuration values are not a JSON or YAML object]", cluster_name)
    errors = _schema_errors(parsed, schema(addon, version))
    if errors:
        raise ef._invalid("ConfigurationValue provided in request is not supported: Json schema validation failed "
                          "with error: [%s]" % ", ".join(errors), cluster_name)


def _default_version(addon, minor):
    for v, _, defaults in CATALOG[addon]["versions"]:
        if minor in defaults:
            return v
    return CATALOG[addon]["versions"][-1][0]


def _check_version(addon, version, cluster, cluster_name):
    """The version to install: the one asked for, which must be compatible
    with the cluster's Kubernetes version ("The version must match one of
    the versions returned by DescribeAddonVersions", CreateAddonRequest), or
    that version's default."""
    if addon not in CATALOG:
        raise ef._invalid("Addon %s specified is not supported" % addon, cluster_name)
    if not version:
        return _default_version(addon, cluster.version)
    versions = {v: compat for v, compat, _ in CATALOG[addon]["versions"]}
    if enabled("addon-catalog"):
        if version not in versions:
            raise ef._invalid("Addon version specified is not supported: %s %s" % (addon, version), cluster_name)
        if cluster.version not in versions[version]:
            raise ef._invalid(
                "Addon version specified is not supported: %s %s is not compatible with Kubernetes version %s"
                % (addon, version, cluster.version), cluster_name)
    return version


class Addon:
    """An add-on on a cluster; its lifecycle is eks_fidelity's (_advance)."""

    def __init__(self, cluster, name, version, role, values, tags):
        self.name, self.cluster_name, self.version = name, cluster.name, version
        self.role, self.values, self.tags = role, values, dict(tags or {})
        self.pod_identity = []  # association ARNs
        self.created = self.modified_at = utcnow()
        self.status = ef.CREATING
        p = cluster.arn.split(":")
        self.arn = "arn:aws:eks:%s:%s:addon/%s/%s/%s" % (p[3], p[4], cluster.name, name, uuid.uuid4())

    def describe(self):
        d = {
            "addonName": self.name, "clusterName": self.cluster_name, "status": self.status,
            "addonVersion": self.version, "health": {"issues": []}, "addonArn": self.arn,
            "createdAt": self.created, "modifiedAt": self.modified_at, "tags": dict(self.tags),
            "publisher": "eks", "owner": "aws", "podIdentityAssociations": list(self.pod_identity),
        }
        if self.role:
            d["serviceAccountRoleArn"] = self.role
        if self.values:
            d["configurationValues"] = self.values
        return d


def _addons(cluster):
    return ef._st(cluster).setdefault("addons", {})


def _addon(backend, cluster_name, name):
    cluster = ef._cluster(backend, cluster_name)
    try:
        return cluster, _addons(cluster)[name]
    except KeyError:
        raise ef._not_found("No addon: %s found in cluster: %s" % (name, cluster_name), cluster_name)


def _check_resolve(value, allowed, cluster_name):
    if value is not None and value not in allowed:
        raise ef._invalid("resolveConflicts must be one of %s" % ", ".join(allowed), cluster_name)


def _check_pod_identity(addon, pias, cluster_name):
    """Each association names a service account the add-on uses
    (DescribeAddonConfiguration podIdentityConfiguration) and a role."""
    known = [sa for sa, _ in CATALOG[addon]["sa"]]
    for p in pias or []:
        if p.get("serviceAccount") not in known:
            raise ef._invalid("Service account %s is not used by addon %s; it uses %s"
                              % (p.get("serviceAccount"), addon, known or "none"), cluster_name)
        ef.eks_models_validate_role_arn(p.get("roleArn"))


def create_addon(backend, cluster_name, name, version, role, resolve, token, tags, values, pias):
    cluster = ef._cluster(backend, cluster_name)
    existing = _addons(cluster).get(name)
    if existing is not None:
        if token and ef._st(existing).get("token") == token:
            return existing  # a retry of the request that created it
        raise ef._in_use("Addon already exists.", cluster_name)
    if cluster.status in (ef.CREATING, ef.DELETING):
        raise ef.ex.InvalidRequestException(
            message="Cluster %s is in %s status; add-ons can be created on an ACTIVE cluster" % (cluster_name, cluster.status))
    _check_resolve(resolve, ("OVERWRITE", "NONE", "PRESERVE"), cluster_name)
    version = _check_version(name, version, cluster, cluster_name)
    _check_configuration(name, version, values, cluster_name)
    if role:
        ef.eks_models_validate_role_arn(role)
    _check_pod_identity(name, pias, cluster_name)
    addon = Addon(cluster, name, version, role, values, tags)
    ef._st(addon)["token"] = token
    import eks_pod_identity

    addon.pod_identity = eks_pod_identity.set_owned(backend, cluster, addon.arn, NAMESPACE, pias or [])
    _addons(cluster)[name] = addon
    if enabled("addon-lifecycle"):
        ef._start_creating(addon)
    else:
        addon.status = ef.ACTIVE
    return addon


def update_addon(backend, cluster_name, name, version, role, resolve, token, values, pias):
    cluster, addon = _addon(backend, cluster_name, name)
    request = {"op": "UpdateAddon", "addonVersion": version, "serviceAccountRoleArn": role,
               "resolveConflicts": resolve, "configurationValues": values, "podIdentityAssociations": pias}
    replay = ef._replay(addon, token, request, cluster_name)
    if replay:
        return replay
    running = ef._in_progress(addon)
    if running or addon.status != ef.ACTIVE:
        raise ef._in_use("Addon %s cannot be updated as it is currently in %s state" % (name, addon.status), cluster_name)
    _check_resolve(resolve, ("OVERWRITE", "NONE", "PRESERVE"), cluster_name)
    target = _check_version(name, version, cluster, cluster_name) if version else addon.version
    new_values = addon.values if values is None else values
    _check_configuration(name, target, new_values, cluster_name)
    if role:
        ef.eks_models_validate_role_arn(role)
    _check_pod_identity(name, pias, cluster_name)
    params = []
    if version:
        params.append(("AddonVersion", target))
    if role is not None:
        params.append(("ServiceAccountRoleArn", role))
    if resolve:
        params.append(("ResolveConflicts", resolve))
    if values is not None:
        params.append(("ConfigurationValues", values))
    if pias is not None:
        params.append(("PodIdentityAssociations", json.dumps(pias)))

    def apply():
        import eks_pod_identity

        addon.version = target
        if role is not None:
            addon.role = role or None
        addon.values = new_values
        if pias is not None:
            addon.pod_identity = eks_pod_identity.set_owned(backend, cluster, addon.arn, NAMESPACE, pias)

    if pias is not None:
        import eks_pod_identity

        eks_pod_identity.check_owned(cluster, addon.arn, NAMESPACE, pias)
    u = ef._new_update(addon, "AddonUpdate", params, apply, token, request)
    if not enabled("addon-lifecycle"):
        u["_since"] = float("-inf")
        ef._advance(addon, ef._now())
    return u


def delete_addon(backend, cluster_name, name, preserve):
    cluster, addon = _addon(backend, cluster_name, name)
    if addon.status == ef.DELETING:
        return addon
    ef._st(addon)["preserve"] = bool(preserve)
    ef._start_deleting(addon)
    if not enabled("addon-lifecycle"):
        _gone(backend, cluster, addon)
    return addon


def _gone(backend, cluster, addon):
    """"Specifying this option [preserve] preserves the add-on software on
    your cluster but Amazon EKS stops managing any settings for the add-on.
    If an IAM account is associated with the add-on, it isn't removed"
    (DeleteAddonRequest.preserve): without it, the add-on's pod identity
    associations go with it."""
    import eks_pod_identity

    eks_pod_identity.release_owned(cluster, addon.arn, keep=ef._st(addon).get("preserve"))
    _addons(cluster).pop(addon.name, None)


def tick(backend):
    t = ef._now()
    for cluster in list(backend.clusters.values()):
        for addon in list(_addons(cluster).values()):
            if ef._advance(addon, t):
                _gone(backend, cluster, addon)


# ---------------------------------------------------------------------------
# Responses.


def _r_create_addon(self):
    addon = create_addon(
        self.eks_backend, self._get_param("name"), self._get_param("addonName"), self._get_param("addonVersion"),
        self._get_param("serviceAccountRoleArn"), self._get_param("resolveConflicts"),
        self._get_param("clientRequestToken"), self._get_param("tags"), self._get_param("configurationValues"),
        self._get_param("podIdentityAssociations"),
    )
    return ActionResult({"addon": addon.describe()})


def _r_describe_addon(self):
    _, addon = _addon(self.eks_backend, self._get_param("name"), self._get_param("addonName"))
    return ActionResult({"addon": addon.describe()})


def _r_list_addons(self):
    name = self._get_param("name")
    cluster = ef._cluster(self.eks_backend, name)
    page, nxt = ef._page("addons", name, list(_addons(cluster)), self._get_int_param("maxResults"),
                         self._get_param("nextToken"), cluster=name)
    return ActionResult({"addons": page, "nextToken": nxt})


def _r_update_addon(self):
    u = update_addon(
        self.eks_backend, self._get_param("name"), self._get_param("addonName"), self._get_param("addonVersion"),
        self._get_param("serviceAccountRoleArn"), self._get_param("resolveConflicts"),
        self._get_param("clientRequestToken"), self._get_param("configurationValues"),
        self._get_param("podIdentityAssociations"),
    )
    return ActionResult({"update": ef._public(u)})


def _r_delete_addon(self):
    addon = delete_addon(self.eks_backend, self._get_param("name"), self._get_param("addonName"),
                         self._get_bool_param("preserve", False))
    return ActionResult({"addon": addon.describe()})


def _addon_info(name, minor=None):
    a = CATALOG[name]
    versions = []
    for v, compat, defaults in reversed(a["versions"]):  # newest first, as EKS lists them
        if minor and minor not in compat:
            continue
        versions.append({
            "addonVersion": v, "architecture": ["amd64", "arm64"], "computeTypes": ["ec2", "hybrid"],
            "compatibilities": [
                {"clusterVersion": m, "platformVersions": ["*"], "defaultVersion": m in defaults}
                for m in compat if not minor or m == minor
            ],
            "requiresConfiguration": False, "requiresIamPermissions": bool(a["sa"]),
        })
    return {"addonName": name, "type": a["type"], "addonVersions": versions, "publisher": "eks", "owner": "aws",
            "defaultNamespace": NAMESPACE}


def _r_describe_addon_versions(self):
    minor = self._get_param("kubernetesVersion")
    name = self._get_param("addonName")
    types = self.querystring.get("types") or []
    publishers = self.querystring.get("publishers") or []
    owners = self.querystring.get("owners") or []
    names = [n for n in sorted(CATALOG) if (not name or n == name) and (not types or CATALOG[n]["type"] in types)
             and (not publishers or "eks" in publishers) and (not owners or "aws" in owners)]
    page, nxt = ef._page("addonversions", json.dumps([minor, name, types, publishers, owners]), names,
                         self._get_int_param("maxResults"), self._get_param("nextToken"))
    infos = [_addon_info(n, minor) for n in page]
    return ActionResult({"addons": [i for i in infos if i["addonVersions"]], "nextToken": nxt})


def _r_describe_addon_configuration(self):
    name, version = self._get_param("addonName"), self._get_param("addonVersion")
    if name not in CATALOG or version not in [v for v, _, _ in CATALOG[name]["versions"]]:
        raise ef._not_found("Addon %s version %s not found" % (name, version))
    return ActionResult({
        "addonName": name, "addonVersion": version, "configurationSchema": json.dumps(schema(name, version)),
        "podIdentityConfiguration": [{"serviceAccount": sa, "recommendedManagedPolicies": pol}
                                     for sa, pol in CATALOG[name]["sa"]],
    })


def _r_describe_update(self):
    addon_name = self._get_param("addonName")
    if not addon_name:
        return _orig_describe_update(self)
    _, addon = _addon(self.eks_backend, self._get_param("name"), addon_name)
    for u in ef._st(addon)["updates"]:
        if u["id"] == self._get_param("updateId"):
            return ActionResult({"update": ef._public(u)})
    raise ef._not_found("No update found for ID: %s" % self._get_param("updateId"), self._get_param("name"))


def _r_list_updates(self):
    addon_name = self._get_param("addonName")
    if not addon_name:
        return _orig_list_updates(self)
    name = self._get_param("name")
    _, addon = _addon(self.eks_backend, name, addon_name)
    ids = [u["id"] for u in ef._st(addon)["updates"]]
    page, nxt = ef._page("updates", name + "/addon/" + addon_name, ids, self._get_int_param("maxResults", 100),
                         self._get_param("nextToken"), ordered=True, cluster=name)
    return ActionResult({"updateIds": page, "nextToken": nxt})


_orig_describe_update = _orig_list_updates = None

NEW_PATHS = {
    "{0}/clusters/(?P<name>[^/]+)/addons$": EKSResponse.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)$": EKSResponse.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)/update$": EKSResponse.dispatch,
    "{0}/addons/supported-versions$": EKSResponse.dispatch,
    "{0}/addons/configuration-schemas$": EKSResponse.dispatch,
}


def install():
    """Call after eks_fidelity.install()."""
    global _orig_describe_update, _orig_list_updates
    if not enabled("addons"):
        return
    eks_urls.url_paths.update(NEW_PATHS)
    from moto.eks import models as eks_models

    ef.eks_models_validate_role_arn = lambda arn: eks_models.validate_role_arn(arn)

    tick_ = ef._tick

    def _tick(backend):
        tick_(backend)
        tick(backend)

    ef._tick = _tick

    taggable = ef._taggable

    def taggable_(backend, arn):
        for cluster in backend.clusters.values():
            for addon in _addons(cluster).values():
                if addon.arn == arn:
                    return addon
        return taggable(backend, arn)

    ef._taggable = taggable_

    _orig_describe_update, _orig_list_updates = EKSResponse.describe_update, EKSResponse.list_updates
    EKSResponse.describe_update = _r_describe_update
    EKSResponse.list_updates = _r_list_updates
    EKSResponse.create_addon = _r_create_addon
    EKSResponse.describe_addon = _r_describe_addon
    EKSResponse.list_addons = _r_list_addons
    EKSResponse.update_addon = _r_update_addon
    EKSResponse.delete_addon = _r_delete_addon
    EKSResponse.describe_addon_versions = _r_describe_addon_versions
    EKSResponse.describe_addon_configuration = _r_describe_addon_configuration
