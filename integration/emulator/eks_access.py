"""EKS access entries, access policies and the cluster's access config (issue 10).

moto 5.2.1 has none of these operations (HTTP 404). Shapes, enums and the
errors each operation declares are those of botocore's EKS service model
(botocore/data/eks/2017-11-01/service-2.json). Switches (control.DISABLED):

  access-entries         the access entry API itself (off: HTTP 404, as moto)
  access-entry-rules     EC2_LINUX/EC2_WINDOWS entries take no kubernetesGroups
                         and no access policies; one entry per principal;
                         scopes; a CONFIG_MAP cluster refuses access entry calls
  access-entry-auto      the entries EKS creates by itself: the cluster
                         creator's (bootstrapClusterCreatorAdminPermissions),
                         managed node group node roles, Fargate pod execution
                         roles
  access-config-forward  authenticationMode only moves CONFIG_MAP ->
                         API_AND_CONFIG_MAP -> API

State lives on moto's cluster objects (eks_fidelity._st), so it goes with
the cluster and with moto's reset.
"""

import re
import threading
import uuid

import eks_fidelity as ef
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.eks import urls as eks_urls
from moto.eks.models import EKSBackend
from moto.eks.responses import EKSResponse

enabled = ef.enabled

ENTRY_TYPES = ("STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX")
# "If you set the value to EC2_LINUX or EC2_WINDOWS, you can't specify values
# for kubernetesGroups, or associate an AccessPolicy to the access entry"
# (CreateAccessEntryRequest.type).
NODE_TYPES = ("EC2_LINUX", "EC2_WINDOWS")
MODES = ("CONFIG_MAP", "API_AND_CONFIG_MAP", "API")  # the only direction EKS allows

# The AWS access policies (EKS user guide, "Access policy permissions").
POLICY_NAMES = (
    "AmazonAIOpsAssistantPolicy",
    "AmazonARCRegionSwitchScalingPolicy",
    "AmazonEKSAdminPolicy",
    "AmazonEKSAdminViewPolicy",
    "AmazonEKSAutoNodePolicy",
    "AmazonEKSBlockStorageClusterPolicy",
    "AmazonEKSClusterAdminPolicy",
    "AmazonEKSComputeClusterPolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSHybridPolicy",
    "AmazonEKSLoadBalancingClusterPolicy",
    "AmazonEKSNetworkingClusterPolicy",
    "AmazonEKSNetworkingPolicy",
    "AmazonEKSViewPolicy",
    "AmazonEMRJobPolicy",
    "AmazonSagemakerHyperpodClusterPolicy",
    "AmazonSagemakerHyperpodControllerPolicy",
    "AmazonSagemakerHyperpodSystemNamespacePolicy",
)
POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/%s"
POLICIES = {POLICY_ARN % n: n for n in POLICY_NAMES}

# The caller of the request being served (for the creator's access entry);
# requests are served one at a time under eks_fidelity.LOCK.
_caller = threading.local()


class Entry:
    """An access entry; taggable by its ARN (eks_fidelity._taggable)."""

    def __init__(self, cluster, principal, type_, username, groups, tags):
        self.cluster_name = cluster.name
        self.principal = principal
        self.type = type_
        self.username = username
        self.groups = list(groups or [])
        self.tags = dict(tags or {})
        self.created = self.modified = utcnow()
        self.policies = {}  # policyArn -> AssociatedAccessPolicy
        kind, name = _principal_parts(principal)
        account = principal.split(":")[4]
        self.arn = "arn:aws:eks:%s:%s:access-entry/%s/%s/%s/%s/%s" % (
            cluster.arn.split(":")[3], cluster.arn.split(":")[4], cluster.name, kind, account, name, uuid.uuid4()
        )

    def describe(self):
        return {
            "clusterName": self.cluster_name, "principalArn": self.principal, "kubernetesGroups": list(self.groups),
            "accessEntryArn": self.arn, "createdAt": self.created, "modifiedAt": self.modified,
            "tags": dict(self.tags), "username": self.username, "type": self.type,
        }


PRINCIPAL_RE = re.compile(r"arn:aws[a-z-]*:(iam|sts)::(\d{12}):(role|user|assumed-role)/(.+)")


def _principal_parts(arn):
    m = PRINCIPAL_RE.fullmatch(arn)
    return (m.group(3), m.group(4).rsplit("/", 1)[-1]) if m else ("unknown", "unknown")


def _entries(cluster):
    return ef._st(cluster).setdefault("access_entries", {})


def _default_username(principal, type_):
    """What EKS sets when the request names no username (EKS user guide,
    "Create access entries")."""
    if type_ in ("EC2_LINUX", "EC2_WINDOWS", "EC2", "HYBRID_LINUX"):
        return "system:node:{{EC2PrivateDNSName}}"
    if type_ == "FARGATE_LINUX":
        return "system:node:{{SessionName}}"
    kind, name = _principal_parts(principal)
    if kind == "role":
        account = principal.split(":")[4]
        return "arn:aws:sts::%s:assumed-role/%s/{{SessionName}}" % (account, name)
    return principal


def _cluster_for_entries(backend, name):
    """The cluster, if its authentication mode allows access entries: "a
    cluster in CONFIG_MAP mode" has none (InvalidRequestException, declared
    by every access entry operation)."""
    cluster = ef._cluster(backend, name)
    mode = (getattr(cluster, "access_config", None) or {}).get("authenticationMode", "CONFIG_MAP")
    if mode == "CONFIG_MAP" and enabled("access-entry-rules"):
        raise ef.ex.InvalidRequestException(
            message="The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation."
        )
    return cluster


def _entry(cluster, principal):
    try:
        return _entries(cluster)[principal]
    except KeyError:
        raise ef._not_found("The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.", cluster.name)


def _add_entry(cluster, principal, type_, username=None, groups=None, tags=None):
    entry = Entry(cluster, principal, type_, username or _default_username(principal, type_), groups, tags)
    _entries(cluster)[principal] = entry
    return entry


def create_access_entry(backend, cluster_name, principal, groups, tags, username, type_):
    cluster = _cluster_for_entries(backend, cluster_name)
    type_ = type_ or "STANDARD"
    if type_ not in ENTRY_TYPES:
        raise ef._invalid("The type %s is not valid; valid types are %s" % (type_, ", ".join(ENTRY_TYPES)), cluster_name)
    if not PRINCIPAL_RE.fullmatch(principal or "") or ":assumed-role/" in principal:
        raise ef._invalid("The specified principalArn is invalid: invalid ARN %s" % principal, cluster_name)
    if type_ != "STANDARD" and ":role/" not in principal and enabled("access-entry-rules"):
        raise ef._invalid("The principalArn of an access entry of type %s must be an IAM role" % type_, cluster_name)
    if enabled("access-entry-rules"):
        if principal in _entries(cluster):
            raise ef._in_use("The specified access entry resource is already in use on this cluster.", cluster_name)
        if type_ in NODE_TYPES and groups:
            raise ef._invalid("Kubernetes groups cannot be specified for an access entry of type %s" % type_, cluster_name)
    return _add_entry(cluster, principal, type_, username, groups, tags)


def update_access_entry(backend, cluster_name, principal, groups, username):
    cluster = _cluster_for_entries(backend, cluster_name)
    entry = _entry(cluster, principal)
    if groups is not None:
        if entry.type in NODE_TYPES and groups and enabled("access-entry-rules"):
            raise ef._invalid("Kubernetes groups cannot be specified for an access entry of type %s" % entry.type, cluster_name)
        entry.groups = list(groups)
    if username is not None:
        entry.username = username
    entry.modified = utcnow()
    return entry


def _check_scope(scope, cluster_name):
    scope = dict(scope or {})
    kind, namespaces = scope.get("type"), list(scope.get("namespaces") or [])
    if not enabled("access-entry-rules"):
        return {"type": kind, "namespaces": namespaces}
    if kind not in ("cluster", "namespace"):
        raise ef._invalid("accessScope.type must be one of [cluster, namespace]", cluster_name)
    # "A value is required if you specified namespace for Type" (AccessScope.namespaces).
    if kind == "namespace" and not namespaces:
        raise ef._invalid("accessScope.namespaces is required when accessScope.type is namespace", cluster_name)
    if kind == "cluster" and namespaces:
        raise ef._invalid("accessScope.namespaces must be empty when accessScope.type is cluster", cluster_name)
    return {"type": kind, "namespaces": namespaces}


def associate_access_policy(backend, cluster_name, principal, policy_arn, scope):
    cluster = _cluster_for_entries(backend, cluster_name)
    entry = _entry(cluster, principal)
    if policy_arn not in POLICIES:
        raise ef._invalid("The specified policyArn %s is not a valid access policy" % policy_arn, cluster_name)
    scope = _check_scope(scope, cluster_name)
    if entry.type in NODE_TYPES and enabled("access-entry-rules"):
        # The entry's type, not this request, forbids it: "invalid given the
        # state of the cluster" (InvalidRequestException).
        raise ef.ex.InvalidRequestException(
            message="Access policies cannot be associated with an access entry of type %s" % entry.type
        )
    now = utcnow()
    existing = entry.policies.get(policy_arn)
    # Associating a policy again replaces its scope.
    entry.policies[policy_arn] = {
        "policyArn": policy_arn, "accessScope": scope,
        "associatedAt": existing["associatedAt"] if existing else now, "modifiedAt": now,
    }
    return entry, entry.policies[policy_arn]


def _bootstrap_creator(cluster):
    """The creator's access entry, with AmazonEKSClusterAdminPolicy on the
    whole cluster, when bootstrapClusterCreatorAdminPermissions is true (the
    default) and the mode allows access entries."""
    access = cluster.access_config
    if access.get("authenticationMode") == "CONFIG_MAP" or not access.get("bootstrapClusterCreatorAdminPermissions"):
        return
    principal = getattr(_caller, "arn", None) or "arn:aws:iam::%s:user/moto" % cluster.arn.split(":")[4]
    entry = _add_entry(cluster, principal, "STANDARD")
    now = utcnow()
    arn = POLICY_ARN % "AmazonEKSClusterAdminPolicy"
    entry.policies[arn] = {"policyArn": arn, "accessScope": {"type": "cluster", "namespaces": []},
                           "associatedAt": now, "modifiedAt": now}


def _auto_entry(backend, cluster_name, role_arn, type_):
    """"If you have the access mode of the cluster set to API_AND_CONFIG_MAP,
    it's unnecessary to create access entries for IAM roles used with Fargate
    profiles or managed Amazon EC2 nodes" (CreateAccessEntryRequest.type): EKS
    creates them."""
    if not enabled("access-entry-auto") or not role_arn:
        return
    cluster = backend.clusters.get(cluster_name)
    if cluster is None or (getattr(cluster, "access_config", None) or {}).get("authenticationMode") == "CONFIG_MAP":
        return
    if role_arn not in _entries(cluster):
        _add_entry(cluster, role_arn, type_)


def _caller_arn(response):
    """The IAM ARN of the caller, as STS's GetCallerIdentity gives it (an
    assumed role's session becomes the role)."""
    from moto.sts.models import sts_backends

    m = re.search(r"Credential=([^/]+)/", response.headers.get("Authorization") or "")
    try:
        _, arn, _ = sts_backends[response.current_account]["aws"].get_caller_identity(m.group(1) if m else "", "us-east-1")
    except Exception:  # noqa: BLE001 - the default principal is good enough
        return None
    m = re.fullmatch(r"arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/.*", arn)
    if m:
        return "arn:%s:iam::%s:role/%s" % m.groups()
    return arn.replace(":sts::", ":iam::", 1)


# ---------------------------------------------------------------------------
# Wrappers of eks_fidelity's cluster, node group and Fargate patches.


def _wrap_backend():
    create_cluster = EKSBackend.create_cluster
    create_nodegroup = EKSBackend.create_nodegroup
    create_fargate_profile = EKSBackend.create_fargate_profile

    def create_cluster_(self, **kw):
        access = dict(kw.get("access_config") or {})
        existing = self.clusters.get(kw.get("name"))
        mode = access.get("authenticationMode", "CONFIG_MAP")
        if enabled("access-entry-rules") and mode not in MODES:
            raise ef._invalid("authenticationMode must be one of %s" % ", ".join(MODES), kw.get("name"))
        cluster = create_cluster(self, **kw)
        if cluster is not existing:
            if enabled("access-entry-auto"):
                _bootstrap_creator(cluster)
        return cluster

    def create_nodegroup_(self, **kw):
        ng = create_nodegroup(self, **kw)
        windows = "WINDOWS" in (ng.ami_type or "")
        _auto_entry(self, kw["cluster_name"], kw.get("node_role"), "EC2_WINDOWS" if windows else "EC2_LINUX")
        return ng

    def create_fargate_profile_(self, **kw):
        fp = create_fargate_profile(self, **kw)
        _auto_entry(self, kw["cluster_name"], kw.get("pod_execution_role_arn"), "FARGATE_LINUX")
        return fp

    EKSBackend.create_cluster = create_cluster_
    EKSBackend.create_nodegroup = create_nodegroup_
    EKSBackend.create_fargate_profile = create_fargate_profile_

    r_create_cluster = EKSResponse.create_cluster

    def r_create_cluster_(self):
        _caller.arn = _caller_arn(self)
        try:
            return r_create_cluster(self)
        finally:
            _caller.arn = None

    EKSResponse.create_cluster = r_create_cluster_

    # UpdateClusterConfig accessConfig: eks_fidelity makes it an
    # AccessConfigUpdate and refuses a no-op; here only the direction.
    update_cluster_config = ef.update_cluster_config

    def update_cluster_config_(self, name, changes, token=None):
        access = changes.get("accessConfig")
        if access and enabled("access-config-forward"):
            cluster = ef._cluster(self, name)
            cur = cluster.access_config.get("authenticationMode", "CONFIG_MAP")
            new = access.get("authenticationMode")
            if new not in MODES:
                raise ef._invalid("authenticationMode must be one of %s" % ", ".join(MODES), name)
            # "Switching authentication modes on an existing cluster is a
            # one-way operation. You can switch from CONFIG_MAP to
            # API_AND_CONFIG_MAP. You can then switch from API_AND_CONFIG_MAP
            # to API. You cannot revert these operations in the opposite
            # direction." (EKS user guide, "Change authentication mode").
            # A replay of the same token is left to eks_fidelity.
            running = [u for u in ef._st(cluster)["updates"] if u.get("_token") == token] if token else []
            if not running and MODES.index(new) < MODES.index(cur):
                raise ef._invalid("Unsupported authentication mode update from %s to %s" % (cur, new), name)
        return update_cluster_config(self, name, changes, token)

    ef.update_cluster_config = update_cluster_config_


# ---------------------------------------------------------------------------
# Responses.


def _r_create_access_entry(self):
    entry = create_access_entry(
        self.eks_backend, self._get_param("name"), self._get_param("principalArn"), self._get_param("kubernetesGroups"),
        self._get_param("tags"), self._get_param("username"), self._get_param("type"),
    )
    return ActionResult({"accessEntry": entry.describe()})


def _r_describe_access_entry(self):
    cluster = _cluster_for_entries(self.eks_backend, self._get_param("name"))
    return ActionResult({"accessEntry": _entry(cluster, self._get_param("principalArn")).describe()})


def _r_list_access_entries(self):
    name = self._get_param("name")
    cluster = _cluster_for_entries(self.eks_backend, name)
    policy = self._get_param("associatedPolicyArn")
    keys = [p for p, e in _entries(cluster).items() if not policy or policy in e.policies]
    page, nxt = ef._page("accessentries", name + "/" + (policy or ""), keys, self._get_int_param("maxResults"),
                         self._get_param("nextToken"), cluster=name)
    return ActionResult({"accessEntries": page, "nextToken": nxt})


def _r_update_access_entry(self):
    entry = update_access_entry(
        self.eks_backend, self._get_param("name"), self._get_param("principalArn"), self._get_param("kubernetesGroups"),
        self._get_param("username"),
    )
    return ActionResult({"accessEntry": entry.describe()})


def _r_delete_access_entry(self):
    cluster = _cluster_for_entries(self.eks_backend, self._get_param("name"))
    principal = self._get_param("principalArn")
    _entry(cluster, principal)
    del _entries(cluster)[principal]
    return EmptyResult()


def _r_associate_access_policy(self):
    name, principal = self._get_param("name"), self._get_param("principalArn")
    _, assoc = associate_access_policy(
        self.eks_backend, name, principal, self._get_param("policyArn"), self._get_param("accessScope")
    )
    return ActionResult({"clusterName": name, "principalArn": principal, "associatedAccessPolicy": assoc})


def _r_disassociate_access_policy(self):
    name = self._get_param("name")
    cluster = _cluster_for_entries(self.eks_backend, name)
    entry = _entry(cluster, self._get_param("principalArn"))
    policy = self._get_param("policyArn")
    if policy not in entry.policies:
        raise ef._not_found("The access policy %s is not associated with this access entry" % policy, name)
    del entry.policies[policy]
    return EmptyResult()


def _r_list_associated_access_policies(self):
    name, principal = self._get_param("name"), self._get_param("principalArn")
    cluster = _cluster_for_entries(self.eks_backend, name)
    entry = _entry(cluster, principal)
    page, nxt = ef._page("associatedpolicies", name + "/" + principal, list(entry.policies),
                         self._get_int_param("maxResults"), self._get_param("nextToken"), cluster=name)
    return ActionResult({"clusterName": name, "principalArn": principal, "nextToken": nxt,
                         "associatedAccessPolicies": [entry.policies[p] for p in page]})


def _r_list_access_policies(self):
    page, nxt = ef._page("accesspolicies", "", list(POLICIES), self._get_int_param("maxResults"),
                         self._get_param("nextToken"))
    return ActionResult({"accessPolicies": [{"name": POLICIES[a], "arn": a} for a in page], "nextToken": nxt})


def taggables(cluster):
    return list(_entries(cluster).values())


# A principal ARN or policy ARN in the path is one escaped segment (%2F) on
# the wire; the router sees it decoded, with its slashes.
NEW_PATHS = {
    "{0}/clusters/(?P<name>[^/]+)/access-entries$": EKSResponse.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<principalArn>.+)$": EKSResponse.dispatch,
    "{0}/access-policies$": EKSResponse.dispatch,
}


def install():
    """Call after eks_fidelity.install()."""
    _wrap_backend()
    if not enabled("access-entries"):
        return
    eks_urls.url_paths.update(NEW_PATHS)
    _wrap_taggable()
    EKSResponse.create_access_entry = _r_create_access_entry
    EKSResponse.describe_access_entry = _r_describe_access_entry
    EKSResponse.list_access_entries = _r_list_access_entries
    EKSResponse.update_access_entry = _r_update_access_entry
    EKSResponse.delete_access_entry = _r_delete_access_entry
    EKSResponse.associate_access_policy = _r_associate_access_policy
    EKSResponse.disassociate_access_policy = _r_disassociate_access_policy
    EKSResponse.list_associated_access_policies = _r_list_associated_access_policies
    EKSResponse.list_access_policies = _r_list_access_policies


def _wrap_taggable():
    taggable = ef._taggable

    def taggable_(backend, arn):
        for cluster in backend.clusters.values():
            for entry in taggables(cluster):
                if entry.arn == arn:
                    return entry
        return taggable(backend, arn)

    ef._taggable = taggable_
