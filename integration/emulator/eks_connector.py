"""EKS Connector (issue 13): RegisterCluster and DeregisterCluster, and
connected clusters in DescribeCluster, ListClusters and the tag operations.

moto 5.2.1 has neither operation (HTTP 404). Shapes, enums and declared
errors are those of botocore's EKS service model (RegisterClusterRequest,
ConnectorConfigRequest/Response, ConnectorConfigProvider,
ListClustersRequest.include). A registered cluster lives in moto's cluster
table, so names are unique across EKS and connected clusters
(ResourceInUseException "Cluster already exists with name: X"), and
DescribeCluster answers it: name, arn, createdAt, status, tags,
clientRequestToken and connectorConfig {activationId, activationCode,
activationExpiry, provider, roleArn}, nothing of an EKS control plane
(version, endpoint, resourcesVpcConfig, ...).

Lifecycle: PENDING from registration, as long as no agent connects (none
ever does here). "If the manifest isn't applied within three days, the
connected cluster will no longer be visible and must be deregistered"
(RegisterCluster): activationExpiry is createdAt + 3 days, and a PENDING
cluster whose activation has expired is FAILED (still described, so that it
can be deregistered). DeregisterCluster answers the cluster DELETING; it is
gone after the delete delay, as a deleted EKS cluster is (eks_fidelity).

Test control (control.py): POST /_eksctl_lite/connector {"name": N,
"expire": true} puts N's activationExpiry in the past (PENDING -> FAILED);
{"name": N, "connect": true} makes it ACTIVE as if its agent had connected
(refused once expired); optional "region" (default us-east-1) and
"account" (default 123456789012). GET lists the connected clusters.

Switches (control.DISABLED):

  connector          RegisterCluster and DeregisterCluster (off: HTTP 404,
                     as moto); ListClusters include
  connector-rules    provider from the ConnectorConfigProvider enum
                     (InvalidParameterException); DeleteCluster of a
                     connected cluster and DeregisterCluster of an EKS
                     cluster refused (InvalidRequestException), and the
                     operations that need an EKS control plane (updates,
                     node groups, Fargate profiles, add-ons, access
                     entries, Pod Identity) on a connected cluster
  connector-expiry   activation expiry (off: PENDING for ever, the expire
                     control only moves the date)
"""

import datetime
import secrets
import string
import uuid

import control
import eks_fidelity as ef
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.eks import models as eks_models
from moto.eks import urls as eks_urls
from moto.eks.models import EKSBackend, eks_backends
from moto.eks.responses import EKSResponse

enabled = ef.enabled

PENDING, FAILED = "PENDING", "FAILED"
PROVIDERS = ("EKS_ANYWHERE", "ANTHOS", "GKE", "AKS", "OPENSHIFT", "TANZU", "RANCHER", "EC2", "OTHER")
ACTIVATION_TTL = datetime.timedelta(days=3)

# Operations that need an EKS control plane, refused on a connected cluster
# (EKSResponse method names; each takes the cluster as "name").
EKS_ONLY = (
    "update_cluster_config", "update_cluster_version", "associate_encryption_config", "create_nodegroup",
    "create_fargate_profile", "create_addon", "create_access_entry", "create_pod_identity_association",
)


class ConnectedCluster:
    """A registered cluster, in moto's cluster table next to moto's
    Cluster objects; only the members AWS describes for one are set."""

    def __init__(self, backend, name, role_arn, provider, token, tags):
        self.name = name
        self.arn = "arn:%s:eks:%s:%s:cluster/%s" % (backend.partition, backend.region_name, backend.account_id, name)
        self.created_at = utcnow()
        self.status = PENDING
        self.tags = dict(tags or {})
        self.client_request_token = token
        alphabet = string.ascii_letters + string.digits + "+/"
        self.connector_config = {
            # The EKS Connector agent activates as an SSM managed instance:
            # an SSM activation ID (a UUID) and its 20-character code.
            "activationId": str(uuid.uuid4()),
            "activationCode": "".join(secrets.choice(alphabet) for _ in range(20)),
            "activationExpiry": self.created_at + ACTIVATION_TTL,
            "provider": provider,
            "roleArn": role_arn,
        }
        # What the rest of the emulator reads of a cluster.
        self.nodegroups, self.fargate_profiles = {}, {}
        self.nodegroup_count = self.fargate_profile_count = 0
        self.version = self.endpoint = self.certificate_authority = self.identity = None
        self.resources_vpc_config = self.kubernetes_network_config = self.logging = None
        self.encryption_config = None
        self.access_config = None

    @property
    def is_active(self):
        return False  # moto's node group and Fargate checks: no control plane


def connected(cluster):
    return isinstance(cluster, ConnectedCluster)


def _expired(cluster):
    return utcnow() >= cluster.connector_config["activationExpiry"]


def register(backend, name, connector_config, token, tags):
    existing = backend.clusters.get(name)
    if existing is not None and token and connected(existing) and existing.client_request_token == token:
        ef._check_token_reuse(ef._st(existing).get("request"), {"c": connector_config, "t": tags}, token, name)
        return existing  # a retry of the request that registered it
    ef._check_name("cluster", name)
    cc = connector_config or {}
    if not cc.get("roleArn") or not cc.get("provider"):
        raise ef._invalid("connectorConfig needs roleArn and provider", name)
    if enabled("connector-rules") and cc["provider"] not in PROVIDERS:
        raise ef._invalid(
            "1 validation error detected: Value '%s' at 'connectorConfig.provider' failed to satisfy constraint: "
            "Member must satisfy enum value set: [%s]" % (cc["provider"], ", ".join(PROVIDERS)), name)
    if existing is not None:
        raise ef._in_use("Cluster already exists with name: %s" % name, name)
    eks_models.validate_role_arn(cc["roleArn"])
    cluster = ConnectedCluster(backend, name, cc["roleArn"], cc["provider"], token, tags)
    ef._st(cluster)["request"] = ef._fingerprint({"c": connector_config, "t": tags})
    backend.clusters[name] = cluster
    backend.cluster_count += 1
    return cluster


def deregister(backend, name):
    cluster = backend.clusters.get(name)
    if cluster is None:
        raise ef._not_found("No cluster found for name: %s." % name)
    if not connected(cluster):
        if enabled("connector-rules"):
            raise ef.ex.InvalidRequestException(
                message="Cluster %s is an Amazon EKS cluster, not a connected cluster: delete it with DeleteCluster"
                % name)
        return backend.delete_cluster(name)
    if cluster.status != ef.DELETING:
        ef._start_deleting(cluster)
    return cluster


def _refuse_connected(cluster, what):
    if connected(cluster) and enabled("connector-rules"):
        raise ef.ex.InvalidRequestException(
            message="Cluster %s is a connected cluster: %s needs an Amazon EKS cluster" % (cluster.name, what))


def _tick_connected(backend):
    if not enabled("connector-expiry"):
        return
    for cluster in backend.clusters.values():
        if connected(cluster) and cluster.status == PENDING and _expired(cluster):
            cluster.status = FAILED


def _find(body):
    account = str(body.get("account") or "123456789012")
    region = str(body.get("region") or "us-east-1")
    cluster = eks_backends[account][region].clusters.get(body.get("name"))
    if not connected(cluster):
        raise ValueError("no connected cluster %r in %s/%s" % (body.get("name"), account, region))
    return eks_backends[account][region], cluster


def _state(cluster):
    return {"name": cluster.name, "status": cluster.status,
            "activationExpiry": cluster.connector_config["activationExpiry"].isoformat() + "Z"}


def control_endpoint(method, body):
    """/_eksctl_lite/connector (see the module docstring)."""
    with ef.LOCK:
        if method == "GET":
            out = []
            for account in list(eks_backends.keys()):
                for region, backend in eks_backends[account].items():
                    out += [dict(_state(c), region=region, account=account)
                            for c in backend.clusters.values() if connected(c)]
            return {"clusters": out}
        if method != "POST":
            raise ValueError("GET or POST")
        backend, cluster = _find(body)
        if body.get("expire"):
            cluster.connector_config["activationExpiry"] = utcnow() - datetime.timedelta(seconds=1)
            _tick_connected(backend)
        if body.get("connect"):
            if cluster.status != PENDING:
                raise ValueError("cluster %s is %s: only a PENDING cluster's agent can connect" % (cluster.name, cluster.status))
            if _expired(cluster):
                raise ValueError("cluster %s: its activation expired at %s" % (cluster.name, _state(cluster)["activationExpiry"]))
            cluster.status = ef.ACTIVE
        return _state(cluster)


# ---------------------------------------------------------------------------
# Responses.


def _r_register_cluster(self):
    cluster = register(self.eks_backend, self._get_param("name"), self._get_param("connectorConfig"),
                       self._get_param("clientRequestToken"), self._get_param("tags"))
    return ActionResult({"cluster": cluster})


def _r_deregister_cluster(self):
    return ActionResult({"cluster": deregister(self.eks_backend, self._get_param("name"))})


def _r_list_clusters(self):
    """ListClusters: connected clusters only with include ["all"] ("'all'
    must be in lowercase otherwise an error occurs"); any other value is
    InvalidParameterException."""
    include = list(self.querystring.get("include") or [])
    for value in include:
        if value != "all":
            raise ef._invalid("include: %r is not valid; use 'all' (in lowercase) to list connected clusters" % value)
    every = bool(include)
    backend = self.eks_backend
    names = [n for n, c in backend.clusters.items() if every or not connected(c)]
    scope = backend.region_name + ("/all" if every else "")
    page, nxt = ef._page("clusters", scope, names, self._get_int_param("maxResults"), self._get_param("nextToken"))
    return ActionResult({"clusters": page, "nextToken": nxt})


NEW_PATHS = {
    "{0}/cluster-registrations$": EKSResponse.dispatch,
    "{0}/cluster-registrations/(?P<name>[^/]+)$": EKSResponse.dispatch,
}


def install():
    """Call after every other EKS patch (it wraps their handlers)."""
    control.ENDPOINTS["connector"] = control_endpoint
    if not enabled("connector"):
        return
    eks_urls.url_paths.update(NEW_PATHS)
    EKSResponse.register_cluster = _r_register_cluster
    EKSResponse.deregister_cluster = _r_deregister_cluster
    EKSResponse.list_clusters = _r_list_clusters

    tick = ef._tick

    def tick_(backend):
        tick(backend)
        _tick_connected(backend)

    ef._tick = tick_

    delete_cluster = EKSBackend.delete_cluster

    def delete_cluster_(self, name):
        cluster = ef._cluster(self, name)
        if connected(cluster):
            if enabled("connector-rules"):
                raise ef.ex.InvalidRequestException(
                    message="Cluster %s is a connected cluster: deregister it with DeregisterCluster" % name)
            if cluster.status != ef.DELETING:
                ef._start_deleting(cluster)
            return cluster
        return delete_cluster(self, name)

    EKSBackend.delete_cluster = delete_cluster_

    def guard(method, what):
        def guarded(self):
            cluster = self.eks_backend.clusters.get(self._get_param("name"))
            if cluster is not None:
                _refuse_connected(cluster, what)
            return method(self)

        return guarded

    for attr in EKS_ONLY:
        method = getattr(EKSResponse, attr, None)
        if method is not None:
            what = "".join(w.capitalize() for w in attr.split("_"))
            setattr(EKSResponse, attr, guard(method, what))
