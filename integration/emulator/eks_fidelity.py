"""Patches to moto 5.2.1's EKS so that it behaves as the EKS API reference documents.

Each patch below names the behaviour it reproduces. Moto's own behaviour is
kept wherever it already matches AWS. Everything is installed by install(),
before moto's Flask app for EKS is first built.

Lifecycle is computed lazily: every EKS request first calls _tick(), which
moves resources CREATING for longer than the create delay to ACTIVE, finishes
updates InProgress for longer than the update delay (InProgress ->
Successful, resource back to ACTIVE) and removes resources DELETING for
longer than the delete delay. The delays are read from control.DELAYS at
each tick, so a test can hold a resource in CREATING with a long delay and
release it by shortening the delay. State lives on moto's own
objects, so moto's reset (POST /moto-api/reset) clears it.

Error messages follow those AWS returns where they are known, e.g.
"Cannot VersionUpdate because cluster demo currently has update ... in progress".

The rules added for issue 8 (quotas, names, subnets, selectors, AL2, the
release catalog, node group skew, paging, update types, no-op updates,
token reuse) each check enabled("<name>"), so that
EKSCTL_LITE_EMULATOR_DISABLE=<name> switches one off and its test in
emulator_test.go can be seen to fail; integration/README.md lists the names.
"""

import base64
import copy
import json
import re
import secrets
import threading
import time
import uuid

import control
from moto.core.utils import utcnow
from moto.eks import exceptions as ex
from moto.eks import urls as eks_urls
from moto.eks.models import EKSBackend, eks_backends
from moto.eks.responses import EKSResponse
from moto.core.responses import ActionResult, EmptyResult

# One lock for all EKS requests: moto's server is threaded and the lazy
# lifecycle mutates state on reads.
LOCK = threading.RLock()

CREATING, ACTIVE, UPDATING, DELETING = "CREATING", "ACTIVE", "UPDATING", "DELETING"
IN_PROGRESS, SUCCESSFUL = "InProgress", "Successful"

# CreateCluster without `version` gets EKS's current default version (moto:
# 1.19): default_version(), which eks_versions.install() replaces with the
# release calendar's default for the emulator's "today"; DEFAULT_VERSION is
# the fallback without it.
DEFAULT_VERSION = "1.32"
# Versions CreateCluster accepts (AWS: standard and extended support); others
# answer InvalidParameterException "unsupported Kubernetes version".
# eks_versions.install() sets them to the calendar's versions (the same set).
SUPPORTED_MINORS = range(23, 36)


def default_version():
    return DEFAULT_VERSION
# The AMI releases the emulator knows, per Kubernetes minor version, oldest
# first, in the form EKS gives them: "<Kubernetes patch version>-<build date>"
# (AWS publishes them in the EKS user guide and in
# github.com/awslabs/amazon-eks-ami releases). A node group without
# releaseVersion gets the newest release of its minor version; a release
# not listed here is InvalidParameterException, as an unknown release is on
# AWS. The entries are plausible, not a copy of AWS's list; add a release
# here when a test or an example needs it (examples/full uses 1.34.1-20251120).
RELEASES = {
    "1.23": ["1.23.17-20241011", "1.23.17-20250103"],
    "1.24": ["1.24.17-20241011", "1.24.17-20250103"],
    "1.25": ["1.25.16-20241011", "1.25.16-20250103"],
    "1.26": ["1.26.15-20241011", "1.26.15-20250103"],
    "1.27": ["1.27.16-20241011", "1.27.16-20250103"],
    "1.28": ["1.28.15-20241024", "1.28.15-20250103"],
    "1.29": ["1.29.10-20241024", "1.29.12-20250103"],
    "1.30": ["1.30.4-20240917", "1.30.6-20241024", "1.30.8-20250103"],
    "1.31": ["1.31.0-20241024", "1.31.3-20250103", "1.31.4-20250115"],
    "1.32": ["1.32.0-20250203", "1.32.3-20250501"],
    "1.33": ["1.33.0-20250704", "1.33.4-20251001"],
    "1.34": ["1.34.0-20251010", "1.34.1-20251120"],
    "1.35": ["1.35.0-20260128", "1.35.2-20260415"],
}

# Amazon Linux 2 AMIs exist up to Kubernetes 1.32; EKS refuses the AL2 AMI
# types from 1.33 on (EKS user guide, "Amazon Linux 2 end of support").
AL2_AMI_TYPES = ("AL2_x86_64", "AL2_x86_64_GPU", "AL2_ARM_64")
AL2_LAST_MINOR = 32

# EKS service quotas (EKS user guide, "Amazon EKS service quotas"); not
# adjustable through the EKS API. Tests may lower them only by code, not at
# run time: creating 100 clusters takes the emulator about a second.
QUOTAS = {"clusters": 100, "nodegroups": 30, "fargate_profiles": 10, "fargate_selectors": 5}

# Cluster names: the CreateCluster "name" pattern of the EKS service model
# (^[0-9A-Za-z][A-Za-z0-9\-_]*, 1-100 characters). Node group and Fargate
# profile names: the same characters, at most 63 (the API reference gives
# no pattern for them; this is the rule the EKS console states).
NAME_RE = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]*")
NAME_MAX = {"cluster": 100, "nodegroup": 63, "fargate profile": 63}

LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]


class NotFoundException(ex.EKSError):
    """TagResource, UntagResource and ListTagsForResource answer this (not
    ResourceNotFoundException) for an unknown ARN."""

    TYPE = "NotFoundException"
    STATUS = 404


class BadRequestException(ex.EKSError):
    TYPE = "BadRequestException"
    STATUS = 400


def _in_use(message, cluster=None):
    return ex.ResourceInUseException(clusterName=cluster, message=message)


def _invalid(message, cluster=None):
    return ex.InvalidParameterException(clusterName=cluster, message=message)


def _not_found(message, cluster=None):
    return ex.ResourceNotFoundException(clusterName=cluster, message=message)


def _now():
    return time.monotonic()


def _delay(kind):
    return float(control.DELAYS[kind + "_delay"])


def _minor(version):
    m = re.fullmatch(r"1\.(\d+)", version or "")
    return int(m.group(1)) if m else None


def newest_release(version):
    """The newest AMI release of a Kubernetes minor version, as EKS gives a
    node group that names none."""
    releases = RELEASES.get(version)
    return releases[-1] if releases else "%s.0-20250115" % version


def enabled(rule):
    """Whether a patch is on; see control.DISABLED."""
    return rule not in control.DISABLED


class ResourceLimitExceededException(ex.EKSError):
    """A service quota was reached (CreateCluster, CreateNodegroup,
    CreateFargateProfile)."""

    TYPE = "ResourceLimitExceededException"
    STATUS = 400


def _check_name(kind, name, cluster=None):
    if not enabled("names"):
        return
    if not name or len(name) > NAME_MAX[kind] or not NAME_RE.fullmatch(name):
        raise _invalid(
            "%s name %r is invalid: 1 to %d letters, digits, '-' and '_', starting with a letter or digit"
            % (kind.capitalize(), name, NAME_MAX[kind]),
            cluster,
        )


def _fingerprint(params):
    """What a request asked for, to compare a repeated clientRequestToken's
    request with the first one."""
    return json.dumps({k: v for k, v in params.items() if k not in ("client_request_token", "token")},
                      sort_keys=True, default=str)


def _check_token_reuse(first, params, token, cluster=None):
    """EKS requests are idempotent per clientRequestToken: the same token with
    the same parameters is the same request (the SDK's retry), with other
    parameters it is refused. The EKS API reference documents no error for
    this; InvalidParameterException is declared by every operation that takes
    a token."""
    if enabled("token-mismatch") and first is not None and first != _fingerprint(params):
        raise _invalid(
            "The client request token %s was already used for a request with different parameters" % token, cluster
        )


# ---------------------------------------------------------------------------
# Paging.


def _encode_token(kind, scope, after):
    raw = json.dumps({"k": kind, "s": scope, "a": after}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(kind, scope, token, cluster=None):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        d = json.loads(raw)
        if d["k"] == kind and d["s"] == scope and isinstance(d["a"], str):
            return d["a"]
    except (ValueError, KeyError, TypeError):
        pass
    raise _invalid("The nextToken provided is not valid: %s" % token, cluster)


def _page(kind, scope, keys, max_results, next_token, ordered=False, cluster=None):
    """One page of keys and the token of the next, as EKS pages its lists.

    The token is opaque and names the last key returned, not a position, so
    it stays valid when items are deleted between pages: the next page
    starts after that key (keys sorted by name), or after that update (ordered
    lists: updates in creation order, never deleted). A token that is not one
    of this list's is InvalidParameterException (moto: HTTP 500)."""
    if max_results is None:
        max_results = 100
    if not 1 <= int(max_results) <= 100:
        raise _invalid("maxResults must be between 1 and 100", cluster)
    max_results = int(max_results)
    if not ordered:
        keys = sorted(keys)
    start = 0
    if next_token:
        after = _decode_token(kind, scope, next_token, cluster)
        if ordered:
            if after not in keys:
                raise _invalid("The nextToken provided is not valid: %s" % next_token, cluster)
            start = keys.index(after) + 1
        else:
            start = len([k for k in keys if k <= after])
    page = keys[start:start + max_results]
    more = start + max_results < len(keys)
    return page, (_encode_token(kind, scope, page[-1]) if more and page else None)


def _hex_id(prefix, n=17):
    return prefix + secrets.token_hex(n)[:n]


# ---------------------------------------------------------------------------
# Lifecycle state kept on moto's objects.


def _st(obj):
    """This module's state of a cluster, node group or Fargate profile."""
    st = getattr(obj, "_eksctl_lite", None)
    if st is None:
        st = {"creating_since": 0.0, "deleting_since": None, "updates": [], "hidden": {}}
        obj._eksctl_lite = st
    return st


def _start_creating(obj):
    obj.status = CREATING
    _st(obj)["creating_since"] = _now()


def _start_deleting(obj):
    obj.status = DELETING
    _st(obj)["deleting_since"] = _now()


def _in_progress(obj):
    return [u for u in _st(obj)["updates"] if u["status"] == IN_PROGRESS]


def _replay(obj, token, request, cluster=None):
    """The update an earlier request with the same clientRequestToken started,
    if any: EKS requests are idempotent per token, and the SDK sends the same
    (generated) token when it retries, e.g. after a lost response. The same
    token with other parameters is refused (_check_token_reuse)."""
    if token:
        for u in _st(obj)["updates"]:
            if u.get("_token") == token:
                _check_token_reuse(u.get("_request"), request, token, cluster)
                return u
    return None


def _new_update(obj, update_type, params, apply, token=None, request=None):
    """Records an update InProgress on obj and puts obj in UPDATING; apply()
    makes the change when the update completes (AWS describes the old values
    while the update runs)."""
    u = {
        "_token": token,
        "_request": _fingerprint(request or {}),
        "id": str(uuid.uuid4()),
        "status": IN_PROGRESS,
        "type": update_type,
        "params": [{"type": t, "value": v} for t, v in params],
        "createdAt": utcnow(),
        "errors": [],
        "_since": _now(),
        "_apply": apply,
    }
    _st(obj)["updates"].append(u)
    obj.status = UPDATING
    return u


def _public(update):
    return {k: v for k, v in update.items() if not k.startswith("_")}


def _advance(obj, t):
    """Moves one resource along its lifecycle; returns True once it is gone."""
    st = _st(obj)
    if obj.status == CREATING and t >= st["creating_since"] + _delay("create"):
        obj.status = ACTIVE
        for attr, value in st["hidden"].items():
            setattr(obj, attr, value)
        st["hidden"] = {}
    for u in st["updates"]:
        if u["status"] == IN_PROGRESS and t >= u["_since"] + _delay("update"):
            u["_apply"]()
            u["status"] = SUCCESSFUL
            if hasattr(obj, "modified_at"):
                obj.modified_at = utcnow()
    if obj.status == UPDATING and not _in_progress(obj):
        obj.status = ACTIVE
    return obj.status == DELETING and t >= st["deleting_since"] + _delay("delete")


def _tick(backend):
    t = _now()
    for name, cluster in list(backend.clusters.items()):
        for ng_name, ng in list(cluster.nodegroups.items()):
            if _advance(ng, t):
                del cluster.nodegroups[ng_name]
                cluster.nodegroup_count -= 1
        for fp_name, fp in list(cluster.fargate_profiles.items()):
            if _advance(fp, t):
                del cluster.fargate_profiles[fp_name]
                cluster.fargate_profile_count -= 1
        if _advance(cluster, t):
            del backend.clusters[name]
            backend.cluster_count -= 1


def reset():
    """Called on POST /moto-api/reset; all state lives on moto's objects,
    which moto's reset discards, so there is nothing else to clear."""


# ---------------------------------------------------------------------------
# Lookups with moto's messages.


def _cluster(backend, name):
    try:
        return backend.clusters[name]
    except KeyError:
        raise _not_found("No cluster found for name: %s." % name)


def _nodegroup(backend, cluster_name, name):
    cluster = _cluster(backend, cluster_name)
    try:
        return cluster, cluster.nodegroups[name]
    except KeyError:
        raise _not_found("No node group found for name: %s." % name, cluster_name)


def _fargate(backend, cluster_name, name):
    cluster = _cluster(backend, cluster_name)
    try:
        return cluster, cluster.fargate_profiles[name]
    except KeyError:
        raise _not_found("No Fargate Profile found with name: %s." % name, cluster_name)


def _require_updatable_cluster(cluster, update_type):
    """AWS runs one update at a time per cluster; anything but ACTIVE refuses."""
    running = _in_progress(cluster)
    if running:
        raise _in_use(
            "Cannot %s because cluster %s currently has update %s in progress"
            % (update_type, cluster.name, running[0]["id"]),
            cluster.name,
        )
    if cluster.status != ACTIVE:
        raise _in_use(
            "Cannot %s because cluster %s is in %s status" % (update_type, cluster.name, cluster.status),
            cluster.name,
        )


def _require_updatable_nodegroup(cluster, ng, update_type):
    running = _in_progress(ng)
    if running:
        raise _in_use(
            "Cannot %s because nodegroup %s currently has update %s in progress"
            % (update_type, ng.nodegroup_name, running[0]["id"]),
            cluster.name,
        )
    if ng.status != ACTIVE:
        raise _in_use(
            "Cannot %s because nodegroup %s is in %s status" % (update_type, ng.nodegroup_name, ng.status),
            cluster.name,
        )


# ---------------------------------------------------------------------------
# Clusters.

_orig_create_cluster = EKSBackend.create_cluster


def _normalise_logging(current, requested):
    """EKS keeps one enabled/disabled state per log type and describes them
    as (at most) two groups: enabled types, then disabled types."""
    state = {t: False for t in LOG_TYPES}
    for group in (current or {}).get("clusterLogging", []) + (requested or {}).get("clusterLogging", []):
        for t in group.get("types", []):
            state[t] = bool(group.get("enabled"))
    groups = []
    on = [t for t in LOG_TYPES if state[t]]
    off = [t for t in LOG_TYPES if not state[t]]
    if on:
        groups.append({"types": on, "enabled": True})
    if off:
        groups.append({"types": off, "enabled": False})
    return {"clusterLogging": groups}


def create_cluster(self, **kw):
    """CreateCluster: CREATING for create_delay, then ACTIVE; defaults filled in
    as AWS describes them; a distinct OIDC issuer per cluster."""
    existing = self.clusters.get(kw.get("name"))
    if existing is not None and kw.get("client_request_token") and existing.client_request_token == kw["client_request_token"]:
        _check_token_reuse(_st(existing).get("request"), kw, kw["client_request_token"], kw.get("name"))
        return existing  # a retry of the request that created it
    request = _fingerprint(kw)
    _check_name("cluster", kw.get("name"))
    if existing is None and enabled("quotas") and len(self.clusters) >= QUOTAS["clusters"]:
        raise ResourceLimitExceededException(
            clusterName=kw.get("name"),
            message="Cannot create cluster %s because %s already has the maximum number of clusters (%d)"
            % (kw.get("name"), self.region_name, QUOTAS["clusters"]),
        )
    version = kw.get("version") or default_version()
    minor = _minor(version)
    if minor is None or minor not in SUPPORTED_MINORS:
        raise _invalid("unsupported Kubernetes version %s" % version, kw.get("name"))
    kw["version"] = version
    kw["logging"] = _normalise_logging(None, kw.get("logging"))
    knc = dict(kw.get("kubernetes_network_config") or {})
    knc.setdefault("serviceIpv4Cidr", "172.20.0.0/16")
    knc.setdefault("ipFamily", "ipv4")
    kw["kubernetes_network_config"] = knc

    rvc = dict(kw.get("resources_vpc_config") or {})
    if not rvc.get("endpointPublicAccess", True) and not rvc.get("endpointPrivateAccess", False):
        raise _invalid("Either public or private endpoint access must be enabled", kw.get("name"))
    subnets = list(rvc.get("subnetIds") or [])
    # "You must specify at least two subnets" in different Availability
    # Zones (CreateCluster, resourcesVpcConfig); zones are not modelled here,
    # so only distinct subnets are counted.
    if enabled("two-subnets") and len(set(subnets)) < 2:
        raise _invalid("Subnets specified must be in at least two different AZs", kw.get("name"))
    kw["resources_vpc_config"] = {
        "subnetIds": subnets,
        "securityGroupIds": list(rvc.get("securityGroupIds") or []),
        "clusterSecurityGroupId": _hex_id("sg-"),
        # AWS derives the VPC from the subnets; moto's EC2 is not consulted
        # (building its backend costs ~0.6 s after every reset).
        "vpcId": _hex_id("vpc-"),
        "endpointPublicAccess": rvc.get("endpointPublicAccess", True),
        "endpointPrivateAccess": rvc.get("endpointPrivateAccess", False),
        "publicAccessCidrs": list(rvc.get("publicAccessCidrs") or ["0.0.0.0/0"]),
    }
    access = kw.pop("access_config", None) or {}
    policy = kw.pop("upgrade_policy", None) or {}
    support = "EXTENDED"  # EKS's default ("the default upgrade policy is EXTENDED")
    if enabled("eks-upgrade-policy-at-create") and policy.get("supportType"):
        if policy["supportType"] not in ("STANDARD", "EXTENDED"):
            raise _invalid("Invalid upgradePolicy supportType %s" % policy["supportType"], kw.get("name"))
        support = policy["supportType"]
    cluster = _orig_create_cluster(self, **kw)

    # moto uses one random issuer per process for every cluster (gap 4); EKS
    # issuers end in a 32-hex-digit ID unique to the cluster.
    cluster.identity = {
        "oidc": {
            "issuer": "https://oidc.eks.%s.amazonaws.com/id/%s" % (self.region_name, secrets.token_hex(16).upper())
        }
    }
    cluster.platformVersion = "eks.1"
    cluster.health = {"issues": []}
    cluster.access_config = {
        "authenticationMode": access.get("authenticationMode", "CONFIG_MAP"),
        "bootstrapClusterCreatorAdminPermissions": access.get("bootstrapClusterCreatorAdminPermissions", True),
    }
    cluster.upgrade_policy = {"supportType": support}
    _st(cluster)["request"] = request
    _start_creating(cluster)
    # The API server endpoint, its CA and the OIDC issuer appear only once
    # the cluster is ACTIVE.
    st = _st(cluster)
    for attr in ("endpoint", "certificate_authority", "identity"):
        st["hidden"][attr] = getattr(cluster, attr)
        setattr(cluster, attr, None)
    return cluster


def delete_cluster(self, name):
    """DeleteCluster: DELETING for delete_delay, then gone. Refused while node
    groups or Fargate profiles exist, or while an update is in progress."""
    cluster = _cluster(self, name)
    if cluster.status == DELETING:
        return cluster
    if cluster.nodegroups:
        raise _in_use("Cluster has nodegroups attached", name)
    if cluster.fargate_profiles:
        raise _in_use("Cluster has fargate profiles attached", name)
    if _in_progress(cluster):
        raise _in_use("Cannot delete because cluster %s currently has an update in progress" % name, name)
    _start_deleting(cluster)
    return cluster


def update_cluster_version(self, name, version, token=None):
    """UpdateClusterVersion: exactly one minor version up, on an ACTIVE cluster
    with no update in progress."""
    cluster = _cluster(self, name)
    request = {"op": "UpdateClusterVersion", "version": version}
    replay = _replay(cluster, token, request, name)
    if replay:
        return replay
    _require_updatable_cluster(cluster, "VersionUpdate")
    cur, new = _minor(cluster.version), _minor(version)
    if new is None or cur is None or new != cur + 1:
        raise _invalid("Unsupported Kubernetes minor version update from %s to %s" % (cluster.version, version), name)
    if new not in SUPPORTED_MINORS:
        raise _invalid("unsupported Kubernetes version %s" % version, name)
    # "If your cluster has managed node groups attached to it, all of your
    # node groups' Kubernetes versions must match the cluster's Kubernetes
    # version in order to update the cluster to a new Kubernetes version"
    # (UpdateClusterVersion). The API reference names no exception for this;
    # AWS answers InvalidParameterException with this message.
    behind = sorted(ng.nodegroup_name for ng in cluster.nodegroups.values() if _minor(ng.version) is not None and _minor(ng.version) < cur)
    if behind and enabled("nodegroup-skew"):
        raise _invalid(
            "Nodegroups %s must be updated to match cluster version %s before updating cluster version"
            % (",".join(behind), cluster.version),
            name,
        )

    def apply():
        cluster.version = version
        cluster.platformVersion = "eks.1"

    return _new_update(cluster, "VersionUpdate", [("Version", version), ("PlatformVersion", "eks.1")], apply, token, request)


_ENDPOINT_KEYS = ("endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs")
_VPC_KEYS = ("subnetIds", "securityGroupIds")

# UpdateClusterConfig request members other than resourcesVpcConfig and
# logging, with the UpdateType (service model enum) of the update each one
# starts and the UpdateParamType its value is reported as. computeConfig,
# storageConfig and kubernetesNetworkConfig together enable or disable EKS
# Auto Mode: one AutoModeUpdate.
_CONFIG_UPDATES = {
    "accessConfig": ("AccessConfigUpdate", "AuthenticationMode"),
    "upgradePolicy": ("UpgradePolicyUpdate", "UpgradePolicy"),
    "zonalShiftConfig": ("ZonalShiftConfigUpdate", "ZonalShiftConfig"),
    "computeConfig": ("AutoModeUpdate", "ComputeConfig"),
    "storageConfig": ("AutoModeUpdate", "StorageConfig"),
    "kubernetesNetworkConfig": ("AutoModeUpdate", "KubernetesNetworkConfig"),
    "remoteNetworkConfig": ("RemoteNetworkConfigUpdate", "RemoteNetworkConfig"),
    "deletionProtection": ("DeletionProtectionUpdate", "DeletionProtection"),
    "controlPlaneScalingConfig": ("ControlPlaneScalingConfigUpdate", "UpdatedTier"),
}


def _attr(key):
    return re.sub(r"([A-Z])", r"_\1", key).lower()


def _merged(existing, value):
    if isinstance(existing, dict) and isinstance(value, dict):
        out = dict(existing)
        out.update(value)
        return out
    return value


def update_cluster_config(self, name, changes, token=None):
    """UpdateClusterConfig: one type of update per call, merged into the
    existing configuration when the update completes, refused while another
    update is in progress; a request that changes nothing is refused as AWS
    does."""
    cluster = _cluster(self, name)
    sent = {k: v for k, v in changes.items() if v is not None}
    request = dict(sent, op="UpdateClusterConfig")
    replay = _replay(cluster, token, request, name)
    if replay:
        return replay
    kinds = []
    rvc = sent.get("resourcesVpcConfig") or {}
    if any(k in rvc for k in _ENDPOINT_KEYS):
        kinds.append("EndpointAccessUpdate")
    if any(k in rvc for k in _VPC_KEYS):
        kinds.append("VpcConfigUpdate")
    if "logging" in sent:
        kinds.append("LoggingUpdate")
    others = {k: v for k, v in sent.items() if k not in ("resourcesVpcConfig", "logging")}
    for k in others:
        if not enabled("update-types"):
            kind = "AccessConfigUpdate" if k == "accessConfig" else "ConfigUpdate"
        else:
            kind = _CONFIG_UPDATES.get(k, ("ConfigUpdate", None))[0]
        if kind not in kinds:
            kinds.append(kind)
    if not kinds:
        raise _invalid("No changes were specified in the request", name)
    if len(kinds) > 1:
        raise _invalid("Only one type of update can be allowed.", name)
    kind = kinds[0]
    _require_updatable_cluster(cluster, kind)
    current = cluster.resources_vpc_config

    if kind == "EndpointAccessUpdate":
        merged = dict(current)
        merged.update({k: rvc[k] for k in _ENDPOINT_KEYS if k in rvc})
        if not merged["endpointPublicAccess"] and not merged["endpointPrivateAccess"]:
            raise _invalid("Either public or private endpoint access must be enabled", name)
        if all(merged.get(k) == current.get(k) for k in _ENDPOINT_KEYS):
            raise _invalid(
                "Cluster is already at the desired configuration with endpointPrivateAccess: %s , "
                "endpointPublicAccess: %s, and Public Endpoint Restrictions: %s"
                % (
                    str(current["endpointPrivateAccess"]).lower(),
                    str(current["endpointPublicAccess"]).lower(),
                    current.get("publicAccessCidrs"),
                ),
                name,
            )
        params = [
            ("EndpointPublicAccess", json.dumps(merged["endpointPublicAccess"])),
            ("EndpointPrivateAccess", json.dumps(merged["endpointPrivateAccess"])),
            ("PublicAccessCidrs", json.dumps(merged.get("publicAccessCidrs"))),
        ]
    elif kind == "VpcConfigUpdate":
        merged = dict(current)
        merged.update({k: list(rvc[k]) for k in _VPC_KEYS if k in rvc})
        # "You must specify at least two subnets that are in different
        # Availability Zones" (UpdateClusterConfig).
        if enabled("two-subnets") and len(set(merged["subnetIds"])) < 2:
            raise _invalid("Subnets specified must be in at least two different AZs", name)
        if enabled("noop-updates") and all(set(merged[k]) == set(current.get(k) or []) for k in _VPC_KEYS):
            raise _invalid(
                "Cluster is already at the desired configuration with subnets %s and security groups %s"
                % (current.get("subnetIds"), current.get("securityGroupIds")),
                name,
            )
        params = [("Subnets", json.dumps(merged["subnetIds"])), ("SecurityGroups", json.dumps(merged["securityGroupIds"]))]
    elif kind == "LoggingUpdate":
        merged_logging = _normalise_logging(cluster.logging, sent["logging"])
        if merged_logging == _normalise_logging(cluster.logging, None):
            raise _invalid("No changes needed for the logging config provided", name)
        params = [("ClusterLogging", json.dumps(sent["logging"]["clusterLogging"]))]
    else:
        new_values = {k: _merged(getattr(cluster, _attr(k), None), v) for k, v in others.items()}
        # Like the endpoint and logging updates above, a configuration the
        # cluster already has is refused (only where the emulator knows the
        # current value: access config and upgrade policy always, the others
        # once set).
        if enabled("noop-updates") and all(
            getattr(cluster, _attr(k), None) is not None and new_values[k] == getattr(cluster, _attr(k), None)
            for k in others
        ):
            raise _invalid(
                "Cluster is already at the desired configuration: %s"
                % ", ".join("%s %s" % (k, json.dumps(others[k], sort_keys=True)) for k in sorted(others)),
                name,
            )
        params = []
        for k, v in others.items():
            ptype = _CONFIG_UPDATES.get(k, (None, k[0].upper() + k[1:]))[1]
            if k == "accessConfig":
                v = v.get("authenticationMode")
            elif k == "controlPlaneScalingConfig":
                v = v.get("tier")
            params.append((ptype, v if isinstance(v, str) else json.dumps(v)))

    def apply():
        if kind in ("EndpointAccessUpdate", "VpcConfigUpdate"):
            cluster.resources_vpc_config = merged
        elif kind == "LoggingUpdate":
            cluster.logging = merged_logging
        else:
            for k, v in new_values.items():
                setattr(cluster, _attr(k), v)

    return _new_update(cluster, kind, params, apply, token, request)


def associate_encryption_config(self, name, encryption_config, token=None):
    """AssociateEncryptionConfig: envelope encryption can be enabled once, on an
    ACTIVE cluster; it is an update like the others."""
    cluster = _cluster(self, name)
    request = {"op": "AssociateEncryptionConfig", "encryptionConfig": encryption_config}
    replay = _replay(cluster, token, request, name)
    if replay:
        return replay
    if cluster.encryption_config:
        raise _invalid("Encryption is already enabled on the cluster", name)
    if not encryption_config:
        raise _invalid("encryptionConfig must not be empty", name)
    _require_updatable_cluster(cluster, "AssociateEncryptionConfig")

    def apply():
        cluster.encryption_config = copy.deepcopy(encryption_config)

    return _new_update(
        cluster, "AssociateEncryptionConfig", [("EncryptionConfig", json.dumps(encryption_config))], apply, token, request
    )


# ---------------------------------------------------------------------------
# Node groups.

_orig_create_nodegroup = EKSBackend.create_nodegroup
_orig_update_nodegroup_config = EKSBackend.update_nodegroup_config


def _check_scaling(s, cluster_name):
    mn, mx, desired = s.get("minSize"), s.get("maxSize"), s.get("desiredSize")
    if mx is not None and mx < 1:
        raise _invalid("Maximum size must be greater than or equal to 1", cluster_name)
    if mn is not None and mx is not None and mn > mx:
        raise _invalid("Minimum capacity %d can't be greater than maximum capacity %d" % (mn, mx), cluster_name)
    if desired is not None and mn is not None and desired < mn:
        raise _invalid("Desired capacity %d can't be lower than minimum capacity %d" % (desired, mn), cluster_name)
    if desired is not None and mx is not None and desired > mx:
        raise _invalid("Desired capacity %d can't be greater than maximum capacity %d" % (desired, mx), cluster_name)


def _check_update_config(uc, cluster_name):
    if uc is not None and len([k for k in ("maxUnavailable", "maxUnavailablePercentage") if uc.get(k) is not None]) != 1:
        raise _invalid("Exactly one of maxUnavailable and maxUnavailablePercentage must be set", cluster_name)


def _check_release(rel, version, cluster_name):
    """A release version must be one EKS published for the version."""
    if rel and enabled("release-catalog") and rel not in RELEASES.get(version, []):
        raise _invalid(
            "Requested release version %s is not valid for kubernetes version %s. Known releases: %s"
            % (rel, version, ", ".join(RELEASES.get(version, [])) or "none"),
            cluster_name,
        )


def _release_key(rel):
    """Orders release versions: Kubernetes patch version, then build date."""
    m = re.fullmatch(r"1\.(\d+)\.(\d+)-(\d{8})", rel or "")
    return (int(m.group(1)), int(m.group(2)), m.group(3)) if m else (0, 0, "")


def _check_ami_type(ami_type, version, cluster_name):
    if enabled("al2-cutoff") and ami_type in AL2_AMI_TYPES and _minor(version) > AL2_LAST_MINOR:
        raise _invalid(
            "AMI type %s is not supported for Kubernetes version %s: Amazon Linux 2 AMIs are published up to 1.%d; "
            "use an AL2023 or Bottlerocket AMI type" % (ami_type, version, AL2_LAST_MINOR),
            cluster_name,
        )


def create_nodegroup(self, **kw):
    """CreateNodegroup: CREATING, then ACTIVE. Without `version` the node group
    gets the cluster's version (moto: 1.19) and a release version of it;
    without `remoteAccess` it has none (moto invents "eksKeypair"); it cannot
    be newer than the cluster."""
    cluster_name = kw["cluster_name"]
    cluster = _cluster(self, cluster_name)
    existing = cluster.nodegroups.get(kw.get("nodegroup_name"))
    if existing is not None and kw.get("client_request_token") and existing.client_request_token == kw["client_request_token"]:
        _check_token_reuse(_st(existing).get("request"), kw, kw["client_request_token"], cluster_name)
        return existing  # a retry of the request that created it
    request = _fingerprint(kw)
    _check_name("nodegroup", kw.get("nodegroup_name"), cluster_name)
    if existing is None and enabled("quotas") and len(cluster.nodegroups) >= QUOTAS["nodegroups"]:
        raise ResourceLimitExceededException(
            clusterName=cluster_name,
            nodegroupName=kw.get("nodegroup_name"),
            message="Cannot create node group %s: cluster %s already has the maximum number of managed node groups (%d)"
            % (kw.get("nodegroup_name"), cluster_name, QUOTAS["nodegroups"]),
        )
    version = kw.get("version")
    rel = kw.get("release_version")
    if not version:
        version = rel.split(".", 2)[0] + "." + rel.split(".", 2)[1] if rel else cluster.version
    if _minor(version) is None:
        raise _invalid("Invalid Kubernetes version %s" % version, cluster_name)
    if cluster.version and _minor(cluster.version) is not None and _minor(version) > _minor(cluster.version):
        raise _invalid(
            "Nodegroup Kubernetes version %s must not be newer than the cluster's version %s" % (version, cluster.version),
            cluster_name,
        )
    if rel and not rel.startswith(version + "."):
        raise _invalid("Release version %s does not match Kubernetes version %s" % (rel, version), cluster_name)
    _check_release(rel, version, cluster_name)
    _check_ami_type(kw.get("ami_type"), version, cluster_name)
    scaling = dict(kw.get("scaling_config") or {"minSize": 2, "maxSize": 2, "desiredSize": 2})
    _check_scaling(scaling, cluster_name)
    _check_update_config(kw.get("update_config"), cluster_name)
    kw["scaling_config"] = scaling
    kw["version"] = version
    kw["release_version"] = rel or newest_release(version)
    launch_template = kw.get("launch_template")
    if not kw.get("ami_type") and not launch_template:
        # EKS defaults new node groups on Kubernetes 1.30+ to Amazon Linux 2023.
        kw["ami_type"] = "AL2023_x86_64_STANDARD" if _minor(version) >= 30 else "AL2_x86_64"
    update_config = kw.pop("update_config", None)
    node_repair_config = kw.pop("node_repair_config", None)
    ng = _orig_create_nodegroup(self, **kw)

    # moto shares its default dicts between node groups; give each its own.
    ng.instance_types = list(ng.instance_types)
    ng.health = {"issues": []}
    ng.labels = dict(ng.labels or {})
    ng.taints = list(ng.taints or [])
    ng.update_config = update_config or {"maxUnavailable": 1}
    ng.node_repair_config = node_repair_config
    ng.remote_access = kw.get("remote_access") or None
    if ng.remote_access is None:
        # EKS creates a remote access security group only for remote access.
        ng.resources = {"autoScalingGroups": ng.resources["autoScalingGroups"]}
    # moto stores "20" (a string); AWS returns 20, and nothing with a launch template.
    ng.disk_size = None if launch_template else int(kw.get("disk_size") or 20)
    _st(ng)["request"] = request
    _start_creating(ng)
    return ng


def delete_nodegroup(self, cluster_name, nodegroup_name):
    """DeleteNodegroup: DELETING for delete_delay, then gone."""
    cluster, ng = _nodegroup(self, cluster_name, nodegroup_name)
    if ng.status == DELETING:
        return ng
    if _in_progress(ng):
        raise _in_use(
            "Cannot delete because nodegroup %s currently has an update in progress" % nodegroup_name, cluster_name
        )
    _start_deleting(ng)
    return ng


def update_nodegroup_config(self, cluster_name, nodegroup_name, labels=None, taints=None, scaling_config=None,
                            update_config=None, node_repair_config=None, client_request_token=None):
    """UpdateNodegroupConfig: labels, taints, scaling and update config merged
    into the node group when the update completes; the node group is UPDATING
    meanwhile and refuses a second update."""
    cluster, ng = _nodegroup(self, cluster_name, nodegroup_name)
    request = {"op": "UpdateNodegroupConfig", "labels": labels, "taints": taints, "scalingConfig": scaling_config,
               "updateConfig": update_config, "nodeRepairConfig": node_repair_config}
    replay = _replay(ng, client_request_token, request, cluster_name)
    if replay:
        return replay
    _require_updatable_nodegroup(cluster, ng, "ConfigUpdate")
    params = []
    if labels:
        add, remove = labels.get("addOrUpdateLabels") or {}, labels.get("removeLabels") or []
        both = set(add) & set(remove)
        if both:
            raise _invalid("The label keys %s are both added and removed" % sorted(both), cluster_name)
        if add:
            params.append(("LabelsToAdd", json.dumps(add)))
        if remove:
            params.append(("LabelsToRemove", json.dumps(remove)))
    if taints:
        if taints.get("addOrUpdateTaints"):
            params.append(("TaintsToAdd", json.dumps(taints["addOrUpdateTaints"])))
        if taints.get("removeTaints"):
            params.append(("TaintsToRemove", json.dumps(taints["removeTaints"])))
    if scaling_config:
        merged = dict(ng.scaling_config)
        merged.update(scaling_config)
        _check_scaling(merged, cluster_name)
        for key, ptype in (("minSize", "MinSize"), ("maxSize", "MaxSize"), ("desiredSize", "DesiredSize")):
            if key in scaling_config:
                params.append((ptype, str(scaling_config[key])))
    if update_config:
        _check_update_config(update_config, cluster_name)
        for key, ptype in (("maxUnavailable", "MaxUnavailable"), ("maxUnavailablePercentage", "MaxUnavailablePercentage")):
            if update_config.get(key) is not None:
                params.append((ptype, str(update_config[key])))
    if node_repair_config:
        params.append(("NodeRepairConfig", json.dumps(node_repair_config)))
    if not params:
        raise _invalid("No changes were specified in the request", cluster_name)

    def apply():
        # moto's own merge logic, run when the update completes.
        _orig_update_nodegroup_config(
            self, cluster_name=cluster_name, nodegroup_name=nodegroup_name, labels=labels, taints=taints,
            scaling_config=scaling_config, update_config=update_config, node_repair_config=node_repair_config,
        )

    return _new_update(ng, "ConfigUpdate", params, apply, client_request_token, request)


def update_nodegroup_version(self, cluster_name, nodegroup_name, version=None, release_version_=None, token=None):
    """UpdateNodegroupVersion: to a version not newer than the cluster's (and
    not older than the node group's), optionally to a given AMI release."""
    cluster, ng = _nodegroup(self, cluster_name, nodegroup_name)
    request = {"op": "UpdateNodegroupVersion", "version": version, "releaseVersion": release_version_}
    replay = _replay(ng, token, request, cluster_name)
    if replay:
        return replay
    _require_updatable_nodegroup(cluster, ng, "VersionUpdate")
    target = version
    if not target and release_version_:
        target = ".".join(release_version_.split(".")[:2])
    target = target or ng.version
    if _minor(target) is None:
        raise _invalid("Invalid Kubernetes version %s" % target, cluster_name)
    if _minor(target) > _minor(cluster.version):
        raise _invalid(
            "Requested Nodegroup Kubernetes version %s is newer than the cluster's version %s" % (target, cluster.version),
            cluster_name,
        )
    if _minor(target) < _minor(ng.version):
        raise _invalid("Unsupported Kubernetes minor version update from %s to %s" % (ng.version, target), cluster_name)
    if release_version_ and not release_version_.startswith(target + "."):
        raise _invalid("Release version %s does not match Kubernetes version %s" % (release_version_, target), cluster_name)
    _check_release(release_version_, target, cluster_name)
    _check_ami_type(ng.ami_type, target, cluster_name)
    rel = release_version_ or newest_release(target)
    # "You cannot roll back a node group to an earlier Kubernetes version or
    # AMI version" (UpdateNodegroupVersion).
    if enabled("release-catalog") and target == ng.version and _release_key(rel) < _release_key(ng.release_version):
        raise _invalid(
            "Requested release version %s is older than the node group's release version %s"
            % (rel, ng.release_version),
            cluster_name,
        )

    def apply():
        ng.version = target
        ng.release_version = rel

    return _new_update(ng, "VersionUpdate", [("Version", target), ("ReleaseVersion", rel)], apply, token, request)


# ---------------------------------------------------------------------------
# Fargate profiles.

_orig_create_fargate_profile = EKSBackend.create_fargate_profile


def _fargate_busy(cluster, except_name=None):
    for fp in cluster.fargate_profiles.values():
        if fp.status in (CREATING, DELETING) and fp.fargate_profile_name != except_name:
            return fp
    return None


def create_fargate_profile(self, **kw):
    """CreateFargateProfile: CREATING, then ACTIVE; EKS allows only one Fargate
    profile per cluster in CREATING or DELETING at a time."""
    cluster = _cluster(self, kw["cluster_name"])
    existing = cluster.fargate_profiles.get(kw.get("fargate_profile_name"))
    if existing is not None and kw.get("client_request_token") and existing.client_request_token == kw["client_request_token"]:
        _check_token_reuse(_st(existing).get("request"), kw, kw["client_request_token"], cluster.name)
        return existing  # a retry of the request that created it
    request = _fingerprint(kw)
    _check_name("fargate profile", kw.get("fargate_profile_name"), cluster.name)
    if existing is None and enabled("quotas") and len(cluster.fargate_profiles) >= QUOTAS["fargate_profiles"]:
        raise ResourceLimitExceededException(
            clusterName=cluster.name,
            message="Cannot create Fargate profile %s: cluster %s already has the maximum number of Fargate profiles (%d)"
            % (kw.get("fargate_profile_name"), cluster.name, QUOTAS["fargate_profiles"]),
        )
    # "You may specify up to five selectors in a Fargate profile"
    # (CreateFargateProfile).
    if enabled("fargate-selectors") and len(kw.get("selectors") or []) > QUOTAS["fargate_selectors"]:
        raise _invalid(
            "A Fargate profile can have at most %d selectors; %d were given"
            % (QUOTAS["fargate_selectors"], len(kw["selectors"])),
            cluster.name,
        )
    busy = _fargate_busy(cluster)
    if busy is not None and kw["fargate_profile_name"] not in cluster.fargate_profiles:
        raise _in_use(
            "Cannot create Fargate Profile %s because cluster %s currently has Fargate profile %s in status %s"
            % (kw["fargate_profile_name"], cluster.name, busy.fargate_profile_name, busy.status),
            cluster.name,
        )
    fp = _orig_create_fargate_profile(self, **kw)
    fp.selectors = [dict(s, labels=dict(s.get("labels") or {})) for s in fp.selectors]
    _st(fp)["request"] = request
    _start_creating(fp)
    return fp


def delete_fargate_profile(self, cluster_name, fargate_profile_name):
    """DeleteFargateProfile: DELETING, then gone; one at a time per cluster."""
    cluster, fp = _fargate(self, cluster_name, fargate_profile_name)
    if fp.status == DELETING:
        return fp
    busy = _fargate_busy(cluster, except_name=fargate_profile_name)
    if busy is not None:
        raise _in_use(
            "Cannot delete Fargate Profile %s because cluster %s currently has Fargate profile %s in status %s"
            % (fargate_profile_name, cluster_name, busy.fargate_profile_name, busy.status),
            cluster_name,
        )
    _start_deleting(fp)
    return fp


_orig_list_clusters = EKSBackend.list_clusters
_orig_list_nodegroups = EKSBackend.list_nodegroups
_orig_list_fargate_profiles = EKSBackend.list_fargate_profiles


def list_clusters(self, max_results, next_token):
    """ListClusters, paged with tokens that survive deletions (_page)."""
    if not enabled("paging"):
        return _orig_list_clusters(self, max_results=max_results, next_token=next_token)
    return _page("clusters", self.region_name, list(self.clusters), max_results, next_token)


def list_nodegroups(self, cluster_name, max_results, next_token):
    """ListNodegroups of an unknown cluster is ResourceNotFoundException
    (moto: a KeyError, answered as HTTP 500)."""
    cluster = _cluster(self, cluster_name)
    if not enabled("paging"):
        return _orig_list_nodegroups(self, cluster_name=cluster_name, max_results=max_results, next_token=next_token)
    return _page("nodegroups", cluster_name, list(cluster.nodegroups), max_results, next_token, cluster=cluster_name)


def list_fargate_profiles(self, cluster_name, max_results, next_token):
    """ListFargateProfiles of an unknown cluster is ResourceNotFoundException."""
    cluster = _cluster(self, cluster_name)
    if not enabled("paging"):
        return _orig_list_fargate_profiles(self, cluster_name=cluster_name, max_results=max_results, next_token=next_token)
    return _page("fargateprofiles", cluster_name, list(cluster.fargate_profiles), max_results, next_token,
                 cluster=cluster_name)


# ---------------------------------------------------------------------------
# Tags on clusters, node groups and Fargate profiles (moto: clusters only).


def _taggable(backend, arn):
    for cluster in backend.clusters.values():
        if cluster.arn == arn:
            return cluster
        for ng in cluster.nodegroups.values():
            if ng.arn == arn:
                return ng
        for fp in cluster.fargate_profiles.values():
            if fp.fargate_profile_arn == arn:
                return fp
    raise NotFoundException(message="Resource was not found: %s" % arn)


def tag_resource(self, resource_arn, tags):
    if not tags:
        raise BadRequestException(message="tags must not be empty")
    obj = _taggable(self, resource_arn)
    obj.tags = dict(obj.tags or {})
    obj.tags.update(tags)


def untag_resource(self, resource_arn, tag_keys):
    obj = _taggable(self, resource_arn)
    if not isinstance(tag_keys, list):
        tag_keys = [tag_keys]
    obj.tags = {k: v for k, v in (obj.tags or {}).items() if k not in tag_keys}


def list_tags_for_resource(self, resource_arn):
    return dict(_taggable(self, resource_arn).tags or {})


# ---------------------------------------------------------------------------
# Updates.


def _updates_of(backend, name, nodegroup_name):
    if nodegroup_name:
        _, ng = _nodegroup(backend, name, nodegroup_name)
        return ng
    return _cluster(backend, name)


def describe_update(self, name, update_id, nodegroup_name=None):
    obj = _updates_of(self, name, nodegroup_name)
    for u in _st(obj)["updates"]:
        if u["id"] == update_id:
            return _public(u)
    raise _not_found("No update found for ID: %s" % update_id, name)


def list_updates(self, name, nodegroup_name=None, max_results=100, next_token=None):
    ids = [u["id"] for u in _st(_updates_of(self, name, nodegroup_name))["updates"]]
    if not enabled("paging"):
        start = int(next_token) if next_token else 0
        page = ids[start:start + max_results]
        return page, (str(start + max_results) if start + max_results < len(ids) else None)
    scope = name + "/" + (nodegroup_name or "")
    return _page("updates", scope, ids, max_results, next_token, ordered=True, cluster=name)


# ---------------------------------------------------------------------------
# Responses for the operations moto lacks or gets wrong.


def _r_update_cluster_version(self):
    update = update_cluster_version(
        self.eks_backend, self._get_param("name"), self._get_param("version"), self._get_param("clientRequestToken")
    )
    return ActionResult({"update": _public(update)})


def _r_update_cluster_config(self):
    changes = {
        key: self._get_param(key)
        for key in (
            "resourcesVpcConfig", "logging", "accessConfig", "upgradePolicy", "zonalShiftConfig", "computeConfig",
            "kubernetesNetworkConfig", "storageConfig", "remoteNetworkConfig", "deletionProtection",
            "controlPlaneScalingConfig",
        )
    }
    update = update_cluster_config(self.eks_backend, self._get_param("name"), changes, self._get_param("clientRequestToken"))
    return ActionResult({"update": _public(update)})


def _r_associate_encryption_config(self):
    update = associate_encryption_config(
        self.eks_backend, self._get_param("name"), self._get_param("encryptionConfig"),
        self._get_param("clientRequestToken"),
    )
    return ActionResult({"update": _public(update)})


def _r_update_nodegroup_config(self):
    update = update_nodegroup_config(
        self.eks_backend,
        self._get_param("name"),
        self._get_param("nodegroupName"),
        labels=self._get_param("labels"),
        taints=self._get_param("taints"),
        scaling_config=self._get_param("scalingConfig"),
        update_config=self._get_param("updateConfig"),
        node_repair_config=self._get_param("nodeRepairConfig"),
        client_request_token=self._get_param("clientRequestToken"),
    )
    return ActionResult({"update": _public(update)})


def _r_update_nodegroup_version(self):
    update = update_nodegroup_version(
        self.eks_backend,
        self._get_param("name"),
        self._get_param("nodegroupName"),
        version=self._get_param("version"),
        release_version_=self._get_param("releaseVersion"),
        token=self._get_param("clientRequestToken"),
    )
    return ActionResult({"update": _public(update)})


def _r_describe_update(self):
    update = describe_update(
        self.eks_backend, self._get_param("name"), self._get_param("updateId"), self._get_param("nodegroupName")
    )
    return ActionResult({"update": update})


def _r_list_updates(self):
    ids, nxt = list_updates(
        self.eks_backend,
        self._get_param("name"),
        self._get_param("nodegroupName"),
        self._get_int_param("maxResults", 100),
        self._get_param("nextToken"),
    )
    return ActionResult({"updateIds": ids, "nextToken": nxt})


def _r_untag_resource(self):
    # moto reads only the first of several tagKeys query parameters.
    keys = self.querystring.get("tagKeys") or []
    self.eks_backend.untag_resource(self._extract_arn_from_path(), list(keys))
    return EmptyResult()


def _r_create_nodegroup(self):
    # moto's response drops updateConfig and nodeRepairConfig.
    params = {
        "cluster_name": "name", "nodegroup_name": "nodegroupName", "scaling_config": "scalingConfig",
        "subnets": "subnets", "instance_types": "instanceTypes", "ami_type": "amiType",
        "remote_access": "remoteAccess", "node_role": "nodeRole", "labels": "labels", "taints": "taints",
        "tags": "tags", "client_request_token": "clientRequestToken", "launch_template": "launchTemplate",
        "capacity_type": "capacityType", "version": "version", "release_version": "releaseVersion",
        "update_config": "updateConfig", "node_repair_config": "nodeRepairConfig",
    }
    kw = {k: self._get_param(v) for k, v in params.items()}
    kw["disk_size"] = self._get_int_param("diskSize")
    return ActionResult({"nodegroup": self.eks_backend.create_nodegroup(**kw)})


def _r_create_cluster(self):
    # moto's response drops accessConfig.
    params = {
        "name": "name", "version": "version", "role_arn": "roleArn", "resources_vpc_config": "resourcesVpcConfig",
        "kubernetes_network_config": "kubernetesNetworkConfig", "logging": "logging",
        "client_request_token": "clientRequestToken", "tags": "tags", "encryption_config": "encryptionConfig",
        "remote_network_config": "remoteNetworkConfig", "access_config": "accessConfig",
        "upgrade_policy": "upgradePolicy",
    }
    kw = {k: self._get_param(v) for k, v in params.items()}
    return ActionResult({"cluster": self.eks_backend.create_cluster(**kw)})


_orig_call_action = EKSResponse.call_action


def _call_action(self):
    with LOCK:
        _tick(self.eks_backend)
        return _orig_call_action(self)


# The REST paths of the operations moto does not route (they answered 404).
NEW_PATHS = {
    "{0}/clusters/(?P<name>[^/]+)/updates$": EKSResponse.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$": EKSResponse.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/node-groups/(?P<nodegroupName>[^/]+)/update-version$": EKSResponse.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/encryption-config/associate$": EKSResponse.dispatch,
}


def install():
    """Applies every patch; call once, before the server handles a request."""
    eks_urls.url_paths.update(NEW_PATHS)

    EKSBackend.create_cluster = create_cluster
    EKSBackend.delete_cluster = delete_cluster
    EKSBackend.create_nodegroup = create_nodegroup
    EKSBackend.delete_nodegroup = delete_nodegroup
    EKSBackend.create_fargate_profile = create_fargate_profile
    EKSBackend.delete_fargate_profile = delete_fargate_profile
    EKSBackend.list_clusters = list_clusters
    EKSBackend.list_nodegroups = list_nodegroups
    EKSBackend.list_fargate_profiles = list_fargate_profiles
    EKSBackend.tag_resource = tag_resource
    EKSBackend.untag_resource = untag_resource
    EKSBackend.list_tags_for_resource = list_tags_for_resource

    EKSResponse.call_action = _call_action
    EKSResponse.create_cluster = _r_create_cluster
    EKSResponse.create_nodegroup = _r_create_nodegroup
    EKSResponse.update_cluster_version = _r_update_cluster_version
    EKSResponse.update_cluster_config = _r_update_cluster_config
    EKSResponse.associate_encryption_config = _r_associate_encryption_config
    EKSResponse.update_nodegroup_config = _r_update_nodegroup_config
    EKSResponse.update_nodegroup_version = _r_update_nodegroup_version
    EKSResponse.describe_update = _r_describe_update
    EKSResponse.list_updates = _r_list_updates
    EKSResponse.untag_resource = _r_untag_resource
    _ = eks_backends  # imported so that the backend module is loaded before patching
