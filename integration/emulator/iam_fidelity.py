"""Patches to moto 5.2.1's IAM so that roles behave as the IAM API reference
documents. Each patch names the behaviour it reproduces; each can be switched
off by name with EKSCTL_LITE_EMULATOR_DISABLE (see control.DISABLED).

  iam-listroles-encoding  ListRoles returns AssumeRolePolicyDocument
                          URL-encoded (RFC 3986), as GetRole and CreateRole
                          do; moto returned it as plain JSON in ListRoles only.
  iam-trust-policy        CreateRole refuses a trust policy that is not a
                          valid policy document (MalformedPolicyDocument);
                          moto stored anything, e.g. "{not json".
  iam-name-case           role names are unique regardless of case and looked
                          up regardless of case; moto compared exactly.
  iam-role-name           a role name outside the model's constraints (1-64
                          characters of [\w+=,.@-]) or a Path that does not
                          begin and end with "/" is ValidationError, as AWS
                          reports a constraint violation; moto created it.
  iam-paging              ListRoles, ListRolePolicies, ListAttachedRolePolicies
                          and ListRoleTags honour MaxItems with IsTruncated and
                          an opaque Marker that survives deletions; a Marker
                          that is not one IAM gave is ValidationError "Invalid
                          Marker." (moto: HTTP 500 from int(marker), and
                          ListRolePolicies ignored MaxItems).
"""

import base64
import json
import re

import control
from moto.core.serialize import url_encode
from moto.iam import models as iam_models
from moto.iam.exceptions import EntityAlreadyExists, MalformedPolicyDocument, NotFoundException, ValidationError
from moto.iam.policy_validation import IAMTrustPolicyDocumentValidator
from moto.iam.responses import IamResponse


def enabled(rule):
    return rule not in control.DISABLED


# ---------------------------------------------------------------------------
# Names: "IAM user, group, role, and policy names must be unique within the
# account. Names are not distinguished by case. For example, you cannot
# create resources named both "MyResource" and "myresource"." (CreateRole,
# RoleName). Lookups (GetRole, DeleteRole, PutRolePolicy, ...) find the role
# whatever the case of the name in the request, and answer with the name as
# it was created.

_orig_create_role = iam_models.IAMBackend.create_role
_orig_get_role = iam_models.IAMBackend.get_role


def get_role(self, role_name):
    if not enabled("iam-name-case"):
        return _orig_get_role(self, role_name)
    for role in self.get_roles():
        if role.name.lower() == (role_name or "").lower():
            return role
    raise NotFoundException(f"The role with name {role_name} cannot be found.")


def _check_trust_policy(document):
    """The checks of moto's own UpdateAssumeRolePolicy (JSON syntax, Version,
    statement structure, only sts: actions, no Resource), plus AWS's rule that
    every statement of a trust policy names a Principal."""
    IAMTrustPolicyDocumentValidator(document).validate()
    statements = json.loads(document).get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    for st in statements or []:
        if not isinstance(st, dict) or ("Principal" not in st and "NotPrincipal" not in st):
            raise MalformedPolicyDocument("Missing required field Principal")


_ROLE_NAME_RE = re.compile(r"[\w+=,.@-]{1,64}")
_PATH_RE = re.compile(r"/|/[\u0021-\u007E]+/")


def _check_role_name(role_name, path):
    if not enabled("iam-role-name"):
        return
    if not _ROLE_NAME_RE.fullmatch(role_name or ""):
        raise ValidationError(
            "1 validation error detected: Value '%s' at 'roleName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length between 1 and 64"
            % role_name
        )
    if path is not None and not (_PATH_RE.fullmatch(path) and len(path) <= 512):
        raise ValidationError(
            "1 validation error detected: Value '%s' at 'path' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)" % path
        )


def create_role(self, role_name, assume_role_policy_document, path=None, *args, **kwargs):
    _check_role_name(role_name, path)
    if enabled("iam-name-case"):
        for role in self.get_roles():
            if role.name.lower() == (role_name or "").lower():
                raise EntityAlreadyExists(f"Role with name {role.name} already exists.")
    if enabled("iam-trust-policy"):
        _check_trust_policy(assume_role_policy_document)
    return _orig_create_role(self, role_name, assume_role_policy_document, path, *args, **kwargs)


_orig_update_assume_role_policy = iam_models.IAMBackend.update_assume_role_policy


def update_assume_role_policy(self, role_name, policy_document):
    """UpdateAssumeRolePolicy: moto validates the document but lets a
    statement without a Principal through."""
    if enabled("iam-trust-policy"):
        _check_trust_policy(policy_document)
    return _orig_update_assume_role_policy(self, role_name, policy_document)


# ---------------------------------------------------------------------------
# Paging. IAM's Marker is opaque ("Set it to the value of the Marker element
# in the response that you received"); here it names the last item returned,
# so deleting items between pages neither skips nor repeats any.


def _encode_marker(op, scope, after):
    raw = json.dumps({"o": op, "s": scope, "a": after}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_marker(op, scope, marker):
    try:
        d = json.loads(base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4)))
        if d["o"] == op and d["s"] == scope and isinstance(d["a"], str):
            return d["a"]
    except (ValueError, KeyError, TypeError):
        pass
    raise ValidationError("Invalid Marker.")


def _page(op, scope, items, key, marker, max_items):
    """items in IAM's order (sorted by key); returns (page, marker or None)."""
    try:
        max_items = int(max_items) if max_items not in (None, "") else 100
    except ValueError:
        raise ValidationError("Invalid MaxItems.")
    if not 1 <= max_items <= 1000:
        raise ValidationError(
            "1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: "
            "Member must have value between 1 and 1000" % max_items
        )
    items = sorted(items, key=key)
    start = 0
    if marker:
        after = _decode_marker(op, scope, marker)
        start = len([i for i in items if key(i) <= after])
    page = items[start:start + max_items]
    more = start + max_items < len(items)
    return page, (_encode_marker(op, scope, key(page[-1])) if more and page else None)


def _r_list_roles(self):
    path_prefix = self._get_param("PathPrefix", "/") or "/"
    roles = [r for r in self.backend.get_roles() if r.path.startswith(path_prefix)]
    page, marker = _page("ListRoles", path_prefix, roles, lambda r: r.id, self._get_param("Marker"),
                         self._get_param("MaxItems"))
    return _result({"Roles": page, "IsTruncated": bool(marker), "Marker": marker})


def _r_list_role_policies(self):
    role = self.backend.get_role(self._get_param("RoleName"))
    page, marker = _page("ListRolePolicies", role.id, list(role.policies), lambda n: n, self._get_param("Marker"),
                         self._get_param("MaxItems"))
    return _result({"PolicyNames": page, "IsTruncated": bool(marker), "Marker": marker})


def _r_list_attached_role_policies(self):
    role = self.backend.get_role(self._get_param("RoleName"))
    path_prefix = self._get_param("PathPrefix", "/") or "/"
    policies = [p for p in role.managed_policies.values() if p.path.startswith(path_prefix)]
    page, marker = _page("ListAttachedRolePolicies", role.id + path_prefix, policies, lambda p: p.arn,
                         self._get_param("Marker"), self._get_param("MaxItems"))
    return _result({
        "AttachedPolicies": [{"PolicyName": p.name, "PolicyArn": p.arn} for p in page],
        "IsTruncated": bool(marker),
        "Marker": marker,
    })


def _r_list_role_tags(self):
    role = self.backend.get_role(self._get_param("RoleName"))
    page, marker = _page("ListRoleTags", role.id, list(role.tags or []), lambda t: t["Key"], self._get_param("Marker"),
                         self._get_param("MaxItems"))
    return _result({"Tags": page, "IsTruncated": bool(marker), "Marker": marker})


def _result(d):
    from moto.core.responses import ActionResult

    return ActionResult(d)


def _switchable(rule, name, patched):
    original = getattr(IamResponse, name)

    def handler(self):
        return patched(self) if enabled(rule) else original(self)

    handler.__name__ = name
    setattr(IamResponse, name, handler)


def install():
    """Applies every IAM patch; call once, before the server handles a request."""
    iam_models.IAMBackend.get_role = get_role
    iam_models.IAMBackend.create_role = create_role
    iam_models.IAMBackend.update_assume_role_policy = update_assume_role_policy
    if enabled("iam-listroles-encoding"):
        # The same transformer moto applies to GetRole and CreateRole.
        IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER["ListRolesResponse.Roles.Role.AssumeRolePolicyDocument"] = url_encode
    _switchable("iam-paging", "list_roles", _r_list_roles)
    _switchable("iam-paging", "list_role_policies", _r_list_role_policies)
    _switchable("iam-paging", "list_attached_role_policies", _r_list_attached_role_policies)
    _switchable("iam-paging", "list_role_tags", _r_list_role_tags)
