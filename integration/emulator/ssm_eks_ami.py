"""The EKS optimized and Bottlerocket AMIs as SSM public parameters and EC2
images (issue 11: self-managed node groups find their AMI this way).

moto 5.2.1 answers /aws/service/ami-amazon-linux-latest and
/aws/service/ecs/optimized-ami, but not the parameters the EKS user guide
tells node groups to read ("Retrieve recommended Amazon Linux AMI IDs",
"Retrieve recommended Bottlerocket AMI IDs"):

  /aws/service/eks/optimized-ami/<k8s>/amazon-linux-2023/<arch>/<flavour>/recommended/image_id
  .../recommended/release_version, .../recommended (JSON: image_id,
  image_name, release_version, schema_version), and the same three under
  .../<image name>/ for every release, e.g.
  .../amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.31-v20250115/image_id
  /aws/service/eks/optimized-ami/<k8s>/amazon-linux-2[-gpu|-arm64]/recommended/... (up to 1.32)
  /aws/service/bottlerocket/aws-k8s-<k8s>[-nvidia]/<arch>/latest/image_id,
  .../latest/image_version, and .../<os version>/image_id for every release

for every Kubernetes version the emulator's EKS accepts
(eks_fidelity.SUPPORTED_MINORS). The releases are those of the EKS release
catalog (eks_fidelity.RELEASES), the recommended one the newest. Every
image id is a public EC2 image in moto (DescribeImages finds it, with the
name, architecture and owner the parameter implies), so RunInstances and
Auto Scaling groups can launch it. Ids are ami- + 17 hex digits, derived
from the region and image name: the same on every run.

Test hook: POST /_eksctl_lite/eks-ami publishes a newer recommended AMI
for one version and family (a new version of the "recommended"/"latest"
parameters, a new image in EC2; for Amazon Linux also a new release in the
EKS catalog); GET lists what was published. A moto reset forgets them.

Switch (control.DISABLED):

  ssm-eks-ami   the parameters and images (off: ParameterNotFound, as moto)
"""

import datetime
import hashlib
import json
import re

import control
import eks_fidelity as ef

RULE = "ssm-eks-ami"

EKS_PREFIX = "/aws/service/eks/optimized-ami"
BOTTLEROCKET_PREFIX = "/aws/service/bottlerocket"

# Owners of the public images: the Amazon EKS AMI account and Bottlerocket's
# (as DescribeImages shows them; OwnerAlias "amazon").
EKS_OWNER = "602401143452"
BOTTLEROCKET_OWNER = "092701018921"

# Amazon Linux 2023 flavours: (path under amazon-linux-2023, architecture, image name part).
AL2023 = [
    ("x86_64/standard", "x86_64", "x86_64-standard"),
    ("x86_64/nvidia", "x86_64", "x86_64-nvidia"),
    ("x86_64/neuron", "x86_64", "x86_64-neuron"),
    ("arm64/standard", "arm64", "arm64-standard"),
    ("arm64/nvidia", "arm64", "arm64-nvidia"),
]
# Amazon Linux 2 (no AMIs after 1.32): (path, architecture, image name prefix).
AL2 = [
    ("amazon-linux-2", "x86_64", "amazon-eks-node"),
    ("amazon-linux-2-gpu", "x86_64", "amazon-eks-gpu-node"),
    ("amazon-linux-2-arm64", "arm64", "amazon-eks-arm64-node"),
]
# Bottlerocket variants: (variant suffix, architecture).
BOTTLEROCKET = [("", "x86_64"), ("", "arm64"), ("-nvidia", "x86_64"), ("-nvidia", "arm64")]

# Published by the test hook, in order: dicts with family, version, release,
# region. A moto reset clears them (and the catalog releases they added).
_published = []
_catalog_added = []  # (minor, release) added to ef.RELEASES


def enabled():
    return RULE not in control.DISABLED


def minors():
    return ["1.%d" % m for m in ef.SUPPORTED_MINORS]


def _ami_id(region, name):
    return "ami-" + hashlib.sha256(("%s/%s" % (region, name)).encode()).hexdigest()[:17]


def _date(release):
    """The build date of a release "1.31.4-20250115" (or a Bottlerocket
    version, whose date the catalog release it was made from gives)."""
    return datetime.datetime.strptime(release.rsplit("-", 1)[1], "%Y%m%d").replace(tzinfo=datetime.timezone.utc)


def _bottlerocket_version(release):
    """A Bottlerocket OS version for the catalog release of that build date:
    1.<months since 2023>.0-<8 hex>, as Bottlerocket numbers its releases."""
    d = _date(release)
    return "1.%d.0-%s" % ((d.year - 2023) * 12 + d.month, hashlib.sha256(release.encode()).hexdigest()[:8])


class Image:
    """One AMI of one family, version and release, and where SSM lists it."""

    def __init__(self, family, minor, release, os_version=None, created=None):
        """release: of the EKS catalog ("1.31.4-20250115"); a Bottlerocket
        image has an OS version of its own, by default one made from the
        release's build date."""
        self.family, self.minor, self.release = family, minor, release
        self.created = created or _date(release)
        kind, rest = family.split(":", 1)
        if kind == "al2023":
            path, arch, part = next(f for f in AL2023 if f[0] == rest)
            self.arch, self.owner = arch, EKS_OWNER
            self.name = "amazon-eks-node-al2023-%s-%s-v%s" % (part, minor, release.rsplit("-", 1)[1])
            self.base = "%s/%s/amazon-linux-2023/%s" % (EKS_PREFIX, minor, path)
            self.description = "EKS-optimized Kubernetes node based on Amazon Linux 2023, (k8s: %s, release: %s)" % (
                release.split("-")[0], release)
        elif kind == "al2":
            path, arch, prefix = next(f for f in AL2 if f[0] == rest)
            self.arch, self.owner = arch, EKS_OWNER
            self.name = "%s-%s-v%s" % (prefix, minor, release.rsplit("-", 1)[1])
            self.base = "%s/%s/%s" % (EKS_PREFIX, minor, path)
            self.description = "EKS Kubernetes Worker AMI with AmazonLinux2 image, (k8s: %s, release: %s)" % (
                release.split("-")[0], release)
        else:  # bottlerocket:<variant suffix>/<arch>
            suffix, arch = rest.split("/")
            self.arch, self.owner = arch, BOTTLEROCKET_OWNER
            self.os_version = os_version or _bottlerocket_version(release)
            variant = "aws-k8s-%s%s" % (minor, suffix)
            self.name = "bottlerocket-%s-%s-v%s" % (variant, arch, self.os_version)
            self.base = "%s/%s/%s" % (BOTTLEROCKET_PREFIX, variant, arch)
            self.description = "bottlerocket-%s-%s-v%s" % (variant, arch, self.os_version)

    @property
    def bottlerocket(self):
        return self.base.startswith(BOTTLEROCKET_PREFIX)

    def ami_id(self, region):
        return _ami_id(region, self.name)

    def parameters(self, region, recommended):
        """(name, value) of the parameters naming this image; those of the
        recommended/latest path too when recommended."""
        ami = self.ami_id(region)
        if self.bottlerocket:
            version = self.os_version.split("-")[0]
            out = [("%s/%s/image_id" % (self.base, version), ami),
                   ("%s/%s/image_version" % (self.base, version), self.os_version)]
            if recommended:
                out += [("%s/latest/image_id" % self.base, ami), ("%s/latest/image_version" % self.base, self.os_version)]
            return out
        doc = json.dumps({"schema_version": "3", "image_id": ami, "image_name": self.name,
                          "release_version": self.release}, separators=(",", ":"))
        dirs = ["%s/%s" % (self.base, self.name)] + (["%s/recommended" % self.base] if recommended else [])
        out = []
        for d in dirs:
            out += [(d, doc), (d + "/image_id", ami), (d + "/release_version", self.release)]
        return out


def families(minor):
    """The families of a Kubernetes version: Amazon Linux 2023 flavours,
    Amazon Linux 2 up to 1.32, Bottlerocket variants."""
    out = ["al2023:" + f[0] for f in AL2023]
    if ef._minor(minor) <= ef.AL2_LAST_MINOR:
        out += ["al2:" + f[0] for f in AL2]
    out += ["bottlerocket:%s/%s" % b for b in BOTTLEROCKET]
    return out


def catalog_images():
    """Every image of the catalog, oldest release first per family."""
    out = []
    for minor in minors():
        releases = [r for r in ef.RELEASES.get(minor, []) if (minor, r) not in _catalog_added]
        for fam in families(minor):
            out += [Image(fam, minor, r) for r in releases]
    return out


def _image(p):
    return Image(p["family"], p["version"], p["release"], p.get("os_version"), p["created"])


def published_images(region):
    return [_image(p) for p in _published if p["region"] == region]


# ---------------------------------------------------------------------------
# The family names the hook accepts: the SSM path below the version.


def parse_family(minor, family):
    """"amazon-linux-2023/x86_64/standard", "amazon-linux-2",
    "bottlerocket/x86_64", "bottlerocket-nvidia/arm64" -> internal key."""
    family = (family or "").strip("/")
    if family.startswith("amazon-linux-2023/"):
        key = "al2023:" + family[len("amazon-linux-2023/"):]
    elif family in [f[0] for f in AL2]:
        key = "al2:" + family
    else:
        m = re.fullmatch(r"bottlerocket(-nvidia)?/(x86_64|arm64)", family)
        key = "bottlerocket:%s/%s" % (m.group(1) or "", m.group(2)) if m else None
    if key not in families(minor):
        names = ["amazon-linux-2023/" + f[0] for f in AL2023]
        if ef._minor(minor) <= ef.AL2_LAST_MINOR:
            names += [f[0] for f in AL2]
        names += ["bottlerocket/x86_64", "bottlerocket/arm64", "bottlerocket-nvidia/x86_64", "bottlerocket-nvidia/arm64"]
        raise ValueError("unknown family %r for Kubernetes %s; one of %s" % (family, minor, names))
    return key


def _newest(minor, key, region):
    imgs = [i for i in catalog_images() if i.family == key and i.minor == minor]
    imgs += [i for i in published_images(region) if i.family == key and i.minor == minor]
    return imgs[-1]


def publish(method, body):
    """The control endpoint /_eksctl_lite/eks-ami."""
    if method == "GET":
        return {"published": [dict(p, created=p["created"].isoformat()) for p in _published]}
    if method != "POST":
        raise ValueError("GET or POST")
    if not enabled():
        raise ValueError("the %s patch is switched off" % RULE)
    minor = body.get("kubernetes_version") or ""
    if minor not in minors():
        raise ValueError("kubernetes_version must be one of %s" % minors())
    region = body.get("region") or "us-east-1"
    key = parse_family(minor, body.get("family"))
    newest = _newest(minor, key, region)
    release, os_version = body.get("release"), None
    created = datetime.datetime.now(datetime.timezone.utc)
    if key.startswith("bottlerocket"):
        # Bottlerocket numbers its own releases: 1.29.0 -> 1.29.1 -> 1.30.0 ...
        os_version = release
        if not os_version:
            major, n, patch = newest.os_version.split("-")[0].split(".")
            os_version = "%s.%s.%d-%s" % (major, n, int(patch) + 1,
                                          hashlib.sha256(newest.os_version.encode()).hexdigest()[:8])
        if not re.fullmatch(r"\d+\.\d+\.\d+-[0-9a-f]{8}", os_version):
            raise ValueError("a Bottlerocket release looks like 1.29.0-c55d099c")
        release = newest.release
    else:
        if not release:  # the same Kubernetes patch, built a day later
            release = "%s-%s" % (newest.release.split("-")[0],
                                 (_date(newest.release) + datetime.timedelta(days=1)).strftime("%Y%m%d"))
        if not re.fullmatch(re.escape(minor) + r"\.\d+-\d{8}", release):
            raise ValueError("release %r is not of Kubernetes %s (form %s.N-YYYYMMDD)" % (release, minor, minor))
    p = {"family": key, "version": minor, "release": release, "os_version": os_version, "region": region,
         "created": created}
    img = _image(p)
    if any(i.name == img.name for i in catalog_images() + published_images(region)):
        raise ValueError("%s is already published" % img.name)
    _published.append(p)
    if not img.bottlerocket and release not in ef.RELEASES.setdefault(minor, []):
        ef.RELEASES[minor].append(release)
        _catalog_added.append((minor, release))
    _add_to_live_backends(img, region)
    return {"image_id": img.ami_id(region), "image_name": img.name,
            "release": img.os_version if img.bottlerocket else release,
            "parameters": dict(img.parameters(region, True))}


def reset():
    for minor, release in _catalog_added:
        if release in ef.RELEASES.get(minor, []):
            ef.RELEASES[minor].remove(release)
    _catalog_added.clear()
    _published.clear()


# ---------------------------------------------------------------------------
# moto: EC2 images and SSM parameters.


def _register_image(ec2, img):
    from moto.ec2.models.amis import Ami

    ami_id = img.ami_id(ec2.region_name)
    if ami_id in ec2.amis:
        return
    ec2.amis[ami_id] = Ami(
        ec2, ami_id, name=img.name, description=img.description, owner_id=img.owner, owner_alias="amazon",
        public=True, virtualization_type="hvm", architecture=img.arch, creation_date=img.created,
        root_device_type="ebs", root_device_name="/dev/xvda", region_name=ec2.region_name + "a",
        hypervisor="xen", boot_mode="uefi-preferred" if img.arch == "arm64" else "legacy-bios",
    )


def _parameter(name, value, version, created):
    from moto.ssm.models import Parameter

    # Public parameters have no account in their ARN (arn:aws:ssm:REGION::parameter/aws/...).
    return Parameter(account_id="", name=name, value=value, parameter_type="String", description=None,
                     allowed_pattern=None, keyid=None, last_modified_date=created, version=version,
                     data_type="text", tier="Standard")


def _put(params, img, region, recommended):
    store = super(type(params), params)
    for name, value in img.parameters(region, recommended):
        history = store.__getitem__(name)
        if history and history[-1].value == value:
            continue
        history.append(_parameter(name, value, len(history) + 1, img.created))


def _load_parameters(params):
    region = params.region_name
    newest = {}
    for img in catalog_images():
        _put(params, img, region, False)
        newest[(img.family, img.minor)] = img
    for img in newest.values():
        _put(params, img, region, True)
    for img in published_images(region):
        _put(params, img, region, True)


def _add_to_live_backends(img, region):
    from moto.ec2.models import ec2_backends
    from moto.ssm.models import ssm_backends

    for account in {"123456789012"} | set(ssm_backends.keys()):
        _register_image(ec2_backends[account][region], img)
        params = ssm_backends[account][region]._parameters
        if getattr(params, "eks_amis_loaded", False):
            _put(params, img, region, True)


def _wants(key):
    """Whether a parameter name or path is (or is above) the EKS or
    Bottlerocket parameters."""
    key = "/" + str(key or "").strip("/")
    for prefix in (EKS_PREFIX, BOTTLEROCKET_PREFIX):
        if key.startswith(prefix) or (len(key) > 1 and (prefix + "/").startswith(key + "/")):
            return True
    return False


def install():
    control.ENDPOINTS["eks-ami"] = publish
    control.RESET_HOOKS.append(reset)
    if not enabled():
        return
    from moto.ec2.models.amis import AmiBackend
    from moto.ssm.models import ParameterDict

    load_amis = AmiBackend._load_amis

    def _load_amis(self):
        load_amis(self)
        for img in catalog_images() + published_images(self.region_name):
            _register_image(self, img)

    AmiBackend._load_amis = _load_amis

    check = ParameterDict._check_loading_status

    def _check_loading_status(self, key):
        check(self, key)
        if not getattr(self, "eks_amis_loaded", False) and _wants(key):
            self.eks_amis_loaded = True
            _load_parameters(self)

    ParameterDict._check_loading_status = _check_loading_status
