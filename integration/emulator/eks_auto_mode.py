"""EKS Auto Mode (issue 13): computeConfig, storageConfig and
kubernetesNetworkConfig.elasticLoadBalancing on CreateCluster and
UpdateClusterConfig.

moto 5.2.1 drops computeConfig and storageConfig (CreateCluster ignores
them, DescribeCluster never has them) and keeps elasticLoadBalancing only
because it stores kubernetesNetworkConfig as sent; it also drops
bootstrapSelfManagedAddons. eks_fidelity already makes an
UpdateClusterConfig with these members one AutoModeUpdate (UpdateType enum
of botocore's EKS model) applied when the update completes. This module
keeps them at creation and adds the rules AWS enforces. Shapes: the model's
ComputeConfigRequest/Response, StorageConfigRequest/Response (BlockStorage),
KubernetesNetworkConfigRequest/Response (ElasticLoadBalancing).

The rules, with AWS's messages where they are quoted in public reports
(integration/README.md names them; InvalidParameterException throughout,
the error CreateCluster and UpdateClusterConfig declare for a bad parameter):

  * the three capabilities go together: "For EKS Auto Mode, please ensure
    that all required configs, including computeConfig,
    kubernetesNetworkConfig, and blockStorage are all either fully enabled
    or fully disabled." (CreateCluster with one enabled; a missing one counts
    as disabled there). UpdateClusterConfig must name all three enabled
    flags, else "The type for cluster update was not provided." (what AWS
    answers to computeConfig {nodePools: []} or elasticLoadBalancing alone);
  * enabling at creation needs bootstrapSelfManagedAddons false ("When EKS
    Auto Mode is enabled, bootstrapSelfManagedAddons must be set to false.");
    the API's default is true, so leaving it out is refused too. Not checked
    on UpdateClusterConfig (an existing cluster can enable Auto Mode);
  * nodePools only "general-purpose" and "system" (the built-in node pools
    of the EKS user guide); a node role with node pools and node pools with
    a node role ("When Compute Config nodeRoleArn is null or empty, nodePool
    list cannot be populated." / "When Compute Config nodeRoleArn is not null
    or empty, nodePool value(s) must be provided.");
  * the node role "cannot be changed after the compute capability of EKS
    Auto Mode is enabled" (ComputeConfigRequest.nodeRoleArn);
  * disabling needs nodePools empty (absent or []); a disabled cluster
    describes nodePools [].

A cluster created without any of them describes none of them (as moto); for
the no-op check it is disabled. bootstrapSelfManagedAddons is kept in the
emulator's state (the Cluster shape has no such member).

Switches (control.DISABLED):

  auto-mode          CreateCluster keeps computeConfig, storageConfig and
                     bootstrapSelfManagedAddons (off: dropped, as moto)
  auto-mode-rules    the rules above, on create and update (off: anything
                     accepted)
  auto-mode-update   an AutoModeUpdate is computed against the live
                     configuration: node pools and role kept unless sent,
                     disabling clears the node pools, and a request that
                     changes nothing (also disabling a cluster that never
                     had Auto Mode) is refused as eks_fidelity refuses other
                     no-op config updates (off: eks_fidelity's plain merge)
"""

import json
import threading

import eks_fidelity as ef
from moto.eks import models as eks_models
from moto.eks.models import EKSBackend
from moto.eks.responses import EKSResponse

enabled = ef.enabled

NODE_POOLS = ("general-purpose", "system")

ALL_OR_NONE = ("For EKS Auto Mode, please ensure that all required configs, including computeConfig, "
               "kubernetesNetworkConfig, and blockStorage are all either fully enabled or fully disabled.")
NO_UPDATE_TYPE = "The type for cluster update was not provided."
BOOTSTRAP = "When EKS Auto Mode is enabled, bootstrapSelfManagedAddons must be set to false."
POOLS_WITHOUT_ROLE = "When Compute Config nodeRoleArn is null or empty, nodePool list cannot be populated."
ROLE_WITHOUT_POOLS = "When Compute Config nodeRoleArn is not null or empty, nodePool value(s) must be provided."

# CreateCluster request members moto's backend does not take, handed from
# the response handler to the backend wrapper.
_request = threading.local()


def _flag(section, *path):
    """The enabled flag of one capability: None if the request does not
    have the section, else its boolean."""
    if section is None:
        return None
    for key in path:
        section = (section or {}).get(key)
        if section is None:
            return None
    return bool((section or {}).get("enabled"))


def _flags(compute, storage, knc):
    return [
        None if compute is None else bool(compute.get("enabled")),
        _flag(storage, "blockStorage") if storage is not None else None,
        _flag(knc, "elasticLoadBalancing") if knc is not None else None,
    ]


def _check_compute(c, name):
    """nodePools and nodeRoleArn of an enabled compute capability."""
    pools = list(c.get("nodePools") or [])
    bad = [p for p in pools if p not in NODE_POOLS]
    if bad:
        raise ef._invalid("Invalid nodePools %s: the EKS Auto Mode built-in node pools are %s"
                          % (json.dumps(bad), " and ".join(NODE_POOLS)), name)
    role = c.get("nodeRoleArn")
    if pools and not role:
        raise ef._invalid(POOLS_WITHOUT_ROLE, name)
    if role and not pools:
        raise ef._invalid(ROLE_WITHOUT_POOLS, name)
    if role:
        eks_models.validate_role_arn(role)


def _compute(enabled_, pools, role):
    d = {"enabled": bool(enabled_), "nodePools": list(pools or [])}
    if role:
        d["nodeRoleArn"] = role
    return d


def check_create(name, compute, storage, knc, bootstrap):
    """CreateCluster's rules; returns whether Auto Mode is enabled."""
    flags = _flags(compute, storage, knc)
    if all(f is None for f in flags):
        return False
    on = [bool(f) for f in flags]
    if not enabled("auto-mode-rules"):
        return on[0]
    if any(on) and not all(on):
        raise ef._invalid(ALL_OR_NONE, name)
    if on[0]:
        _check_compute(compute or {}, name)
        if bootstrap is not False:
            raise ef._invalid(BOOTSTRAP, name)
    elif compute and compute.get("nodePools"):
        raise ef._invalid("nodePools must be empty when the compute capability of EKS Auto Mode is disabled", name)
    return on[0]


def live(cluster):
    """The cluster's Auto Mode configuration: (compute dict, storage flag,
    load balancing flag); a cluster without it is disabled."""
    compute = dict(getattr(cluster, "compute_config", None) or {})
    compute.setdefault("enabled", False)
    compute.setdefault("nodePools", [])
    storage = bool(((getattr(cluster, "storage_config", None) or {}).get("blockStorage") or {}).get("enabled"))
    elb = bool(((cluster.kubernetes_network_config or {}).get("elasticLoadBalancing") or {}).get("enabled"))
    return compute, storage, elb


def _normal(compute):
    return _compute(compute.get("enabled"), compute.get("nodePools"), compute.get("nodeRoleArn"))


def check_update(cluster, changes):
    """UpdateClusterConfig's rules; returns the changes eks_fidelity is to
    apply (the full configuration the update leads to)."""
    name = cluster.name
    compute, storage = changes.get("computeConfig"), changes.get("storageConfig")
    knc = changes.get("kubernetesNetworkConfig")
    flags = _flags(compute, storage, knc if knc and "elasticLoadBalancing" in knc else None)
    if all(f is None for f in flags):
        return changes
    if enabled("auto-mode-rules"):
        if any(f is None for f in flags):
            raise ef._invalid(NO_UPDATE_TYPE, name)
        if len(set(flags)) > 1:
            raise ef._invalid(ALL_OR_NONE, name)
    cur, cur_storage, cur_elb = live(cluster)
    on = bool(flags[0])
    compute = dict(compute or {})
    if on:
        role = compute.get("nodeRoleArn", cur.get("nodeRoleArn"))
        if (enabled("auto-mode-rules") and cur["enabled"] and cur.get("nodeRoleArn")
                and "nodeRoleArn" in compute and compute["nodeRoleArn"] != cur["nodeRoleArn"]):
            raise ef._invalid(
                "nodeRoleArn cannot be changed while the compute capability of EKS Auto Mode is enabled "
                "(it is %s)" % cur["nodeRoleArn"], name)
        pools = compute.get("nodePools", cur["nodePools"] if cur["enabled"] else [])
        new = _compute(True, pools, role)
        if enabled("auto-mode-rules"):
            _check_compute(new, name)
    else:
        if enabled("auto-mode-rules") and compute.get("nodePools"):
            raise ef._invalid("nodePools must be empty to disable the compute capability of EKS Auto Mode", name)
        new = _compute(False, [], compute.get("nodeRoleArn", cur.get("nodeRoleArn")))
    if not enabled("auto-mode-update"):
        return changes
    if (_normal(cur), cur_storage, cur_elb) == (new, on, on):
        raise ef._invalid(
            "Cluster is already at the desired configuration: EKS Auto Mode %s, computeConfig %s"
            % ("enabled" if on else "disabled", json.dumps(new, sort_keys=True)), name)
    out = dict(changes)
    out["computeConfig"] = new
    out["storageConfig"] = {"blockStorage": {"enabled": on}}
    out["kubernetesNetworkConfig"] = dict(knc or {}, elasticLoadBalancing={"enabled": on})
    return out


def install():
    """Call after eks_fidelity.install() and eks_access.install()."""
    r_create_cluster = EKSResponse.create_cluster

    def r_create_cluster_(self):
        _request.extra = {
            "compute_config": self._get_param("computeConfig"),
            "storage_config": self._get_param("storageConfig"),
            "bootstrap": self._get_param("bootstrapSelfManagedAddons"),
        }
        try:
            return r_create_cluster(self)
        finally:
            _request.extra = None

    create_cluster = EKSBackend.create_cluster

    def create_cluster_(self, **kw):
        extra = getattr(_request, "extra", None) or {}
        existing = self.clusters.get(kw.get("name"))
        retry = (existing is not None and kw.get("client_request_token")
                 and existing.client_request_token == kw["client_request_token"])
        if existing is None and not retry:
            check_create(kw.get("name"), extra.get("compute_config"), extra.get("storage_config"),
                         kw.get("kubernetes_network_config"), extra.get("bootstrap"))
        cluster = create_cluster(self, **kw)
        if cluster is existing or not enabled("auto-mode"):
            return cluster
        compute, storage = extra.get("compute_config"), extra.get("storage_config")
        if compute is not None:
            cluster.compute_config = _compute(compute.get("enabled"), compute.get("nodePools"),
                                              compute.get("nodeRoleArn"))
        if storage is not None:
            cluster.storage_config = {"blockStorage": {"enabled": bool((storage.get("blockStorage") or {}).get("enabled"))}}
        knc = cluster.kubernetes_network_config or {}
        if "elasticLoadBalancing" in knc:
            knc["elasticLoadBalancing"] = {"enabled": bool((knc["elasticLoadBalancing"] or {}).get("enabled"))}
        bootstrap = extra.get("bootstrap")
        ef._st(cluster)["bootstrap_self_managed_addons"] = True if bootstrap is None else bool(bootstrap)
        return cluster

    update_cluster_config = ef.update_cluster_config

    def update_cluster_config_(self, name, changes, token=None):
        cluster = ef._cluster(self, name)
        # A retry of a request already answered (same token) is eks_fidelity's
        # replay: it gets the changes the first request was turned into, so
        # that eks_fidelity sees the same request (or, with other
        # parameters, refuses the token).
        answered = ef._st(cluster).setdefault("auto_mode_requests", {})
        if token and token in answered:
            first, rewritten = answered[token]
            return update_cluster_config(self, name, rewritten if first == ef._fingerprint(changes) else changes, token)
        if token and any(u.get("_token") == token for u in ef._st(cluster)["updates"]):
            return update_cluster_config(self, name, changes, token)
        rewritten = check_update(cluster, changes)
        update = update_cluster_config(self, name, rewritten, token)
        if token and rewritten is not changes:
            answered[token] = (ef._fingerprint(changes), rewritten)
        return update

    EKSResponse.create_cluster = r_create_cluster_
    EKSBackend.create_cluster = create_cluster_
    ef.update_cluster_config = update_cluster_config_
