"""EKS DescribeClusterVersions (issue 12): EKS's Kubernetes release calendar.

moto 5.2.1 has no DescribeClusterVersions (HTTP 404). The shapes, enums and
declared errors are those of botocore's EKS service model
(DescribeClusterVersionsRequest / ClusterVersionInformation); the dates are
those of the "Amazon EKS Kubernetes release calendar" of the EKS user guide
(integration/README.md names the sources and the one estimate).

A version's status depends on the day: STANDARD_SUPPORT from its EKS release
until its end of standard support (14 months), EXTENDED_SUPPORT from that
day ("Billing for extended support starts at the beginning of the day that
the version reaches end of standard support, in the UTC+0 timezone") for 12
months, then UNSUPPORTED. "Today" is the real UTC date unless a test sets it
(POST /_eksctl_lite/today, see control.py); a version EKS has not released by
then is not listed at all. The default version (defaultVersion, and the
version CreateCluster gives a cluster that names none) is the newest version
released by then.

Switches (control.DISABLED):

  cluster-versions         the API itself (off: HTTP 404, as moto)
  cluster-versions-status  statuses and the default from "today" (off: every
                           version STANDARD_SUPPORT, the default fixed at
                           eks_fidelity.DEFAULT_VERSION, unsupported ones
                           listed; the calendar's dates are still sent)
"""

import datetime

import control
import eks_fidelity as ef
from moto.core.responses import ActionResult
from moto.eks import urls as eks_urls
from moto.eks.responses import EKSResponse

enabled = ef.enabled

# Kubernetes version: (Amazon EKS release, end of standard support, end of
# extended support, default platform version). Dates: the EKS user guide's
# release calendar (kubernetes-versions.adoc of awsdocs/amazon-eks-user-guide;
# 1.23 from its extended support FAQ, its release date from earlier versions
# of the page); 1.35 from endoflife.date's copy of the calendar (its end of
# standard support date, 2027-03-27, 14 months after the release). Platform
# versions are plausible ("eks.N", N growing with age), not AWS's list.
CALENDAR = {
    "1.23": ("2022-08-11", "2023-10-11", "2024-10-11", "eks.23"),
    "1.24": ("2022-11-15", "2024-01-31", "2025-01-31", "eks.22"),
    "1.25": ("2023-02-22", "2024-05-01", "2025-05-01", "eks.21"),
    "1.26": ("2023-04-11", "2024-06-11", "2025-06-11", "eks.20"),
    "1.27": ("2023-05-24", "2024-07-24", "2025-07-24", "eks.19"),
    "1.28": ("2023-09-26", "2024-11-26", "2025-11-26", "eks.18"),
    "1.29": ("2024-01-23", "2025-03-23", "2026-03-23", "eks.17"),
    "1.30": ("2024-05-23", "2025-07-23", "2026-07-23", "eks.16"),
    "1.31": ("2024-09-26", "2025-11-26", "2026-11-26", "eks.14"),
    "1.32": ("2025-01-23", "2026-03-23", "2027-03-23", "eks.12"),
    "1.33": ("2025-05-29", "2026-07-29", "2027-07-29", "eks.10"),
    "1.34": ("2025-10-02", "2026-12-02", "2027-12-02", "eks.7"),
    "1.35": ("2026-01-27", "2027-03-27", "2028-03-27", "eks.3"),
}

STANDARD, EXTENDED, UNSUPPORTED = "STANDARD_SUPPORT", "EXTENDED_SUPPORT", "UNSUPPORTED"
# The deprecated `status` request filter takes the model's ClusterVersionStatus
# enum; the response's `status` carries the VersionStatus value, as the user
# guide's example output shows ("status": "STANDARD_SUPPORT"): the model says
# to use versionStatus "as that field matches for input and output".
STATUS_FILTER = {"standard-support": STANDARD, "extended-support": EXTENDED, "unsupported": UNSUPPORTED}
CLUSTER_TYPE = "eks"


def _date(s):
    return datetime.date.fromisoformat(s)


def _check_calendar():
    for v, (rel, std, ext, _) in CALENDAR.items():
        rel, std, ext = _date(rel), _date(std), _date(ext)
        # 14 months of standard support (1.25 had 14 and a bit: AWS moved
        # its end to 2024-05-01), 12 more of extended support.
        months = lambda a, b: (b.year - a.year) * 12 + b.month - a.month  # noqa: E731
        assert rel < std < ext and months(rel, std) in (14, 15) and months(std, ext) == 12, v


_check_calendar()


def today():
    """The emulator's today: the date a test set, else the UTC date."""
    fixed = control.TODAY.get("date")
    return _date(fixed) if fixed else datetime.datetime.now(datetime.timezone.utc).date()


def status(version, day=None):
    """A version's support status on day (None: not released yet)."""
    rel, std, ext, _ = CALENDAR[version]
    day = day or today()
    if not enabled("cluster-versions-status"):
        return STANDARD
    if day < _date(rel):
        return None
    if day < _date(std):
        return STANDARD
    if day < _date(ext):
        return EXTENDED
    return UNSUPPORTED


def _key(version):
    return int(version.split(".")[1])


def default_version(day=None):
    """The newest version EKS has released by day: what CreateCluster gives a
    cluster without `version`, and the one defaultVersion: true."""
    if not enabled("cluster-versions-status"):
        return ef.DEFAULT_VERSION
    day = day or today()
    released = [v for v in CALENDAR if status(v, day) is not None]
    return max(released, key=_key) if released else min(CALENDAR, key=_key)


def _midnight(s):
    return datetime.datetime.combine(_date(s), datetime.time(), datetime.timezone.utc)


def info(version, day=None):
    rel, std, ext, platform = CALENDAR[version]
    st = status(version, day)
    return {
        "clusterVersion": version,
        "clusterType": CLUSTER_TYPE,
        "defaultPlatformVersion": platform,
        "defaultVersion": version == default_version(day),
        "releaseDate": _midnight(rel),
        "endOfStandardSupportDate": _midnight(std),
        "endOfExtendedSupportDate": _midnight(ext),
        "status": st,
        "versionStatus": st,
        # The patch version of the newest AMI release of the version, so
        # that both catalogues agree (eks_fidelity.RELEASES).
        "kubernetesPatchVersion": ef.newest_release(version).split("-")[0],
    }


def _bool(self, name):
    raw = self._get_param(name)
    if raw is None:
        return None
    if str(raw).lower() not in ("true", "false"):
        raise ef._invalid("%s must be true or false, not %r" % (name, raw))
    return str(raw).lower() == "true"


def describe(cluster_type=None, versions=None, default_only=None, include_all=None, status_=None,
             version_status=None, max_results=None, next_token=None):
    """The versions DescribeClusterVersions lists, newest first, and the next
    token. Without a status filter, UNSUPPORTED versions are listed only with
    includeAll; a status filter lists exactly the versions of that status."""
    if status_ is not None and status_ not in STATUS_FILTER:
        raise ef._invalid("status must be one of %s, not %r" % (", ".join(STATUS_FILTER), status_))
    if version_status is not None and version_status not in (STANDARD, EXTENDED, UNSUPPORTED):
        raise ef._invalid("versionStatus must be one of %s, %s, %s, not %r"
                          % (STANDARD, EXTENDED, UNSUPPORTED, version_status))
    if status_ is not None and version_status is not None and STATUS_FILTER[status_] != version_status:
        raise ef._invalid("status %s and versionStatus %s contradict each other; use versionStatus only"
                          % (status_, version_status))
    wanted = version_status or (STATUS_FILTER[status_] if status_ else None)
    for v in versions or []:
        if ef._minor(v) is None:
            raise ef._invalid("clusterVersions: %r is not a Kubernetes minor version such as 1.33" % v)
    day = today()
    found = []
    for v in sorted(CALENDAR, key=_key, reverse=True):
        st = status(v, day)
        if st is None:
            continue
        if cluster_type and cluster_type != CLUSTER_TYPE:
            continue
        if versions and v not in versions:
            continue
        if default_only and v != default_version(day):
            continue
        if wanted is not None:
            if st != wanted:
                continue
        elif st == UNSUPPORTED and not include_all:
            continue
        found.append(v)
    scope = "%s/%s/%s/%s/%s" % (cluster_type or "", ",".join(versions or []), bool(default_only),
                                bool(include_all), wanted or "")
    page, nxt = ef._page("clusterversions", scope, found, max_results, next_token, ordered=True)
    return [info(v, day) for v in page], nxt


def _r_describe_cluster_versions(self):
    versions, nxt = describe(
        cluster_type=self._get_param("clusterType"),
        versions=list(self.querystring.get("clusterVersions") or []),
        default_only=_bool(self, "defaultOnly"),
        include_all=_bool(self, "includeAll"),
        status_=self._get_param("status"),
        version_status=self._get_param("versionStatus"),
        max_results=self._get_int_param("maxResults"),
        next_token=self._get_param("nextToken"),
    )
    return ActionResult({"clusterVersions": versions, "nextToken": nxt})


NEW_PATHS = {
    "{0}/cluster-versions$": EKSResponse.dispatch,
}


def install():
    """Call after eks_fidelity.install()."""
    # CreateCluster's default version and the versions it and
    # UpdateClusterVersion accept come from the calendar.
    ef.default_version = default_version
    ef.SUPPORTED_MINORS = frozenset(_key(v) for v in CALENDAR)
    if not enabled("cluster-versions"):
        return
    eks_urls.url_paths.update(NEW_PATHS)
    EKSResponse.describe_cluster_versions = _r_describe_cluster_versions
