"""EKS Pod Identity associations (issue 10): CreatePodIdentityAssociation,
DescribePodIdentityAssociation, ListPodIdentityAssociations,
UpdatePodIdentityAssociation, DeletePodIdentityAssociation.

moto 5.2.1 has none of them (HTTP 404). Shapes and declared errors are those
of botocore's EKS service model. Associations take effect at once (AWS: they
are "eventually consistent, and may take several seconds", with no status to
wait for). Switches (control.DISABLED):

  pod-identity        the API itself (off: HTTP 404, as moto)
  pod-identity-rules  one association per namespace and service account
                      (ResourceInUseException); an update must change
                      something; add-on owned associations are changed
                      through their add-on only
"""

import secrets
import string

import eks_fidelity as ef
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.eks import models as eks_models
from moto.eks import urls as eks_urls
from moto.eks.responses import EKSResponse

enabled = ef.enabled


class Association:
    def __init__(self, cluster, namespace, sa, role, target, disable_tags, policy, tags, owner=None):
        self.id = "a-" + "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(17))
        p = cluster.arn.split(":")
        self.arn = "arn:aws:eks:%s:%s:podidentityassociation/%s/%s" % (p[3], p[4], cluster.name, self.id)
        self.cluster_name, self.namespace, self.sa = cluster.name, namespace, sa
        self.role, self.target, self.policy = role, target or None, policy or None
        self.disable_tags = bool(disable_tags)
        self.tags = dict(tags or {})
        self.owner = owner
        self.external_id = str(ef.uuid.uuid4()) if self.target else None
        self.created = self.modified = utcnow()

    def summary(self):
        d = {"clusterName": self.cluster_name, "namespace": self.namespace, "serviceAccount": self.sa,
             "associationArn": self.arn, "associationId": self.id}
        if self.owner:
            d["ownerArn"] = self.owner
        return d

    def describe(self):
        d = self.summary()
        d.update({"roleArn": self.role, "tags": dict(self.tags), "createdAt": self.created,
                  "modifiedAt": self.modified, "disableSessionTags": self.disable_tags})
        for k, v in (("targetRoleArn", self.target), ("externalId", self.external_id), ("policy", self.policy)):
            if v:
                d[k] = v
        return d


def _assocs(cluster):
    return ef._st(cluster).setdefault("pod_identity", {})


def _assoc(backend, cluster_name, assoc_id):
    cluster = ef._cluster(backend, cluster_name)
    try:
        return cluster, _assocs(cluster)[assoc_id]
    except KeyError:
        raise ef._not_found("No Pod Identity Association found for id: %s" % assoc_id, cluster_name)


def _taken(cluster, namespace, sa, except_owner=None):
    for a in _assocs(cluster).values():
        if a.namespace == namespace and a.sa == sa and (except_owner is None or a.owner != except_owner):
            return a
    return None


def _check_unique(cluster, namespace, sa, except_owner=None):
    if not enabled("pod-identity-rules"):
        return
    a = _taken(cluster, namespace, sa, except_owner)
    if a is not None:
        raise ef._in_use("Association already exists: %s for namespace %s and service account %s"
                         % (a.id, namespace, sa), cluster.name)


def _check_owner(a, what):
    if a.owner and enabled("pod-identity-rules"):
        raise ef.ex.InvalidRequestException(
            message="Cannot %s Pod Identity Association %s: it is owned by addon %s; change it with UpdateAddon"
            % (what, a.id, a.owner))


def create(backend, cluster_name, namespace, sa, role, target, disable_tags, policy, tags):
    cluster = ef._cluster(backend, cluster_name)
    if not namespace or not sa:
        raise ef._invalid("namespace and serviceAccount are required", cluster_name)
    eks_models.validate_role_arn(role)
    if target:
        eks_models.validate_role_arn(target)
    _check_unique(cluster, namespace, sa)
    a = Association(cluster, namespace, sa, role, target, disable_tags, policy, tags)
    _assocs(cluster)[a.id] = a
    return a


def update(backend, cluster_name, assoc_id, role, target, disable_tags, policy):
    """"In an update, you can change the IAM role, the target IAM role, or
    disableSessionTags. You must change at least one of these in an update.
    An association can't be moved between clusters, namespaces, or service
    accounts" (UpdatePodIdentityAssociation)."""
    cluster, a = _assoc(backend, cluster_name, assoc_id)
    _check_owner(a, "update")
    changed = False
    if role is not None and role != a.role:
        eks_models.validate_role_arn(role)
        a.role, changed = role, True
    if target is not None and (target or None) != a.target:
        if target:
            eks_models.validate_role_arn(target)
        a.target, changed = target or None, True
        a.external_id = str(ef.uuid.uuid4()) if a.target else None
    if disable_tags is not None and bool(disable_tags) != a.disable_tags:
        a.disable_tags, changed = bool(disable_tags), True
    if policy is not None and (policy or None) != a.policy:
        a.policy, changed = policy or None, True
    if not changed and enabled("pod-identity-rules"):
        raise ef._invalid("The request changes nothing: change at least one of roleArn, targetRoleArn, "
                          "disableSessionTags, policy", cluster_name)
    a.modified = utcnow()
    return a


# ---------------------------------------------------------------------------
# Associations owned by add-ons (CreateAddon/UpdateAddon podIdentityAssociations).


def check_owned(cluster, owner, namespace, pias):
    for p in pias:
        _check_unique(cluster, namespace, p.get("serviceAccount"), except_owner=owner)


def set_owned(backend, cluster, owner, namespace, pias):
    """Makes the add-on's associations those of pias (an empty list removes
    them all: "If an empty array is provided, existing associations owned by
    the add-on are deleted", UpdateAddonRequest); returns their ARNs."""
    check_owned(cluster, owner, namespace, pias)
    mine = {a.sa: a for a in _assocs(cluster).values() if a.owner == owner}
    arns = []
    for p in pias:
        a = mine.pop(p["serviceAccount"], None)
        if a is None:
            a = Association(cluster, namespace, p["serviceAccount"], p["roleArn"], None, False, None, None, owner)
            _assocs(cluster)[a.id] = a
        elif a.role != p["roleArn"]:
            a.role, a.modified = p["roleArn"], utcnow()
        arns.append(a.arn)
    for a in mine.values():
        del _assocs(cluster)[a.id]
    return arns


def release_owned(cluster, owner, keep):
    for a in list(_assocs(cluster).values()):
        if a.owner == owner:
            if keep:
                a.owner = None
            else:
                del _assocs(cluster)[a.id]


# ---------------------------------------------------------------------------
# Responses.


def _r_create(self):
    a = create(self.eks_backend, self._get_param("name"), self._get_param("namespace"),
               self._get_param("serviceAccount"), self._get_param("roleArn"), self._get_param("targetRoleArn"),
               self._get_param("disableSessionTags"), self._get_param("policy"), self._get_param("tags"))
    return ActionResult({"association": a.describe()})


def _r_describe(self):
    _, a = _assoc(self.eks_backend, self._get_param("name"), self._get_param("associationId"))
    return ActionResult({"association": a.describe()})


def _r_list(self):
    name = self._get_param("name")
    cluster = ef._cluster(self.eks_backend, name)
    ns, sa = self._get_param("namespace"), self._get_param("serviceAccount")
    found = {a.id: a for a in _assocs(cluster).values() if (not ns or a.namespace == ns) and (not sa or a.sa == sa)}
    page, nxt = ef._page("podidentity", "%s/%s/%s" % (name, ns or "", sa or ""), list(found),
                         self._get_int_param("maxResults"), self._get_param("nextToken"), cluster=name)
    return ActionResult({"associations": [found[i].summary() for i in page], "nextToken": nxt})


def _r_update(self):
    a = update(self.eks_backend, self._get_param("name"), self._get_param("associationId"),
               self._get_param("roleArn"), self._get_param("targetRoleArn"), self._get_param("disableSessionTags"),
               self._get_param("policy"))
    return ActionResult({"association": a.describe()})


def _r_delete(self):
    cluster, a = _assoc(self.eks_backend, self._get_param("name"), self._get_param("associationId"))
    _check_owner(a, "delete")
    del _assocs(cluster)[a.id]
    return ActionResult({"association": a.describe()})


NEW_PATHS = {
    "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations$": EKSResponse.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations/(?P<associationId>[^/]+)$": EKSResponse.dispatch,
}


def install():
    """Call after eks_fidelity.install()."""
    if not enabled("pod-identity"):
        return
    eks_urls.url_paths.update(NEW_PATHS)
    taggable = ef._taggable

    def taggable_(backend, arn):
        for cluster in backend.clusters.values():
            for a in _assocs(cluster).values():
                if a.arn == arn:
                    return a
        return taggable(backend, arn)

    ef._taggable = taggable_
    EKSResponse.create_pod_identity_association = _r_create
    EKSResponse.describe_pod_identity_association = _r_describe
    EKSResponse.list_pod_identity_associations = _r_list
    EKSResponse.update_pod_identity_association = _r_update
    EKSResponse.delete_pod_identity_association = _r_delete
