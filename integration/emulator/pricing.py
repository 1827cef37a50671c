"""The AWS Price List Query API (issue 12): GetProducts, DescribeServices,
GetAttributeValues, over a small embedded price table.

moto 5.2.1 has no Price List backend. The API is AWS's JSON 1.1 protocol
(POST /, X-Amz-Target: AWSPriceListService.GetProducts, signing name
"pricing"); PricingMiddleware answers every request signed for "pricing"
before moto sees it. Shapes, enums and declared errors are those of
botocore's pricing/2017-10-15 service model; each GetProducts PriceList
entry is a JSON string in AWS's own price document shape:

  {"product": {"productFamily": ..., "attributes": {...}, "sku": ...},
   "serviceCode": "AmazonEC2",
   "terms": {"OnDemand": {"SKU.JRTCKXETXF": {"priceDimensions": {
       "SKU.JRTCKXETXF.6YS6EN2CT7": {"unit": "Hrs", "pricePerUnit": {"USD": "0.0960000000"}, ...}}, ...}},
             "Reserved": {...}},
   "version": ..., "publicationDate": ...}

The table (PRODUCTS below): EC2 instances (service code AmazonEC2, product
family "Compute Instance": Linux and Windows, Shared and Dedicated tenancy,
no or SQL Web pre-installed software, capacity status Used,
UnusedCapacityReservation and AllocatedCapacityReservation, as the real
list has them, so that the filters a cost estimate needs are needed), EBS
gp3 storage (AmazonEC2, "Storage", per GB-Mo), EKS cluster hours (standard
and extended support) and Fargate vCPU and GB hours (AmazonEKS), in
us-east-1, us-west-2 and eu-west-1. On-demand Linux prices are AWS's public
on-demand prices as of late 2025 (the table says which are rounded); the
other variants are derived from them by fixed factors, not AWS's.

Real AWS serves the Price List only in us-east-1, ap-south-1 and
eu-central-1 (api.pricing.REGION.amazonaws.com); the emulator serves it on
its one endpoint and refuses a request signed for another region as AWS
refuses a credential scoped to the wrong region.

Switches (control.DISABLED):

  pricing          the API itself (off: moto answers, it has no such service)
  pricing-filters  Filters are applied (off: ignored, every product of the
                   service is returned)
  pricing-regions  only us-east-1, ap-south-1, eu-central-1 (off: any region)

Tests change prices with POST /_eksctl_lite/prices (control.py):
{"instanceType": "m6i.large", "regionCode": "us-east-1", "usd": "0.5"}
sets the on-demand Linux price the variants derive from; "usd": null removes
the product (every variant) from the list. "volumeApiName": "gp3",
"fargate": "vCPU" | "GB" and "eks": "cluster" | "extended" name the others.
"""

import base64
import hashlib
import json
import re
import threading
import uuid

import control

SERVICE = "pricing"
TARGET_PREFIX = "AWSPriceListService."
ENDPOINT_REGIONS = ("us-east-1", "ap-south-1", "eu-central-1")
FORMAT_VERSION = "aws_v1"
FILTER_TYPES = ("TERM_MATCH", "EQUALS", "CONTAINS", "ANY_OF", "NONE_OF")
_LOCK = threading.Lock()
# The offer file the prices are said to come from.
PUBLICATION = ("20251120191838", "2025-11-20T19:18:38Z", "2025-11-01T00:00:00Z")

# OnDemand offer term and hourly rate codes: the same for every on-demand
# product in AWS's lists; 4NA7Y494T4 is the 1-year No Upfront standard
# Reserved Instance term.
ON_DEMAND, HOURLY, RI_1YR_NO_UPFRONT = "JRTCKXETXF", "6YS6EN2CT7", "4NA7Y494T4"

REGIONS = {
    # regionCode: (location, EC2 usage type prefix, EKS usage type prefix)
    "us-east-1": ("US East (N. Virginia)", "", "USE1-"),
    "us-west-2": ("US West (Oregon)", "USW2-", "USW2-"),
    "eu-west-1": ("EU (Ireland)", "EU-", "EU-"),
}

# instanceType: (vCPU, memory GiB, instance family, physical processor,
# network performance, GPUs, {regionCode: on-demand Linux USD per hour}).
# us-east-1 and us-west-2 prices are AWS's; eu-west-1 ones are AWS's to
# within a few tenths of a cent.
INSTANCES = {
    "t3.medium": (2, 4, "General purpose", "Intel Skylake E5 2686 v5", "Up to 5 Gigabit", 0,
                  {"us-east-1": "0.0416", "us-west-2": "0.0416", "eu-west-1": "0.0456"}),
    "t3.large": (2, 8, "General purpose", "Intel Skylake E5 2686 v5", "Up to 5 Gigabit", 0,
                 {"us-east-1": "0.0832", "us-west-2": "0.0832", "eu-west-1": "0.0912"}),
    "m5.large": (2, 8, "General purpose", "Intel Xeon Platinum 8175", "Up to 10 Gigabit", 0,
                 {"us-east-1": "0.096", "us-west-2": "0.096", "eu-west-1": "0.107"}),
    "m5.xlarge": (4, 16, "General purpose", "Intel Xeon Platinum 8175", "Up to 10 Gigabit", 0,
                  {"us-east-1": "0.192", "us-west-2": "0.192", "eu-west-1": "0.214"}),
    "m5.2xlarge": (8, 32, "General purpose", "Intel Xeon Platinum 8175", "Up to 10 Gigabit", 0,
                   {"us-east-1": "0.384", "us-west-2": "0.384", "eu-west-1": "0.428"}),
    "m6i.large": (2, 8, "General purpose", "Intel Xeon 8375C (Ice Lake)", "Up to 12500 Megabit", 0,
                  {"us-east-1": "0.096", "us-west-2": "0.096", "eu-west-1": "0.107"}),
    "m6i.xlarge": (4, 16, "General purpose", "Intel Xeon 8375C (Ice Lake)", "Up to 12500 Megabit", 0,
                   {"us-east-1": "0.192", "us-west-2": "0.192", "eu-west-1": "0.214"}),
    "m6a.large": (2, 8, "General purpose", "AMD EPYC 7R13 Processor", "Up to 12500 Megabit", 0,
                  {"us-east-1": "0.0864", "us-west-2": "0.0864", "eu-west-1": "0.0963"}),
    "m6a.xlarge": (4, 16, "General purpose", "AMD EPYC 7R13 Processor", "Up to 12500 Megabit", 0,
                   {"us-east-1": "0.1728", "us-west-2": "0.1728", "eu-west-1": "0.1926"}),
    "c5.xlarge": (4, 8, "Compute optimized", "Intel Xeon Platinum 8124M", "Up to 10 Gigabit", 0,
                  {"us-east-1": "0.17", "us-west-2": "0.17", "eu-west-1": "0.192"}),
    "c6i.xlarge": (4, 8, "Compute optimized", "Intel Xeon 8375C (Ice Lake)", "Up to 12500 Megabit", 0,
                   {"us-east-1": "0.17", "us-west-2": "0.17", "eu-west-1": "0.192"}),
    "c6a.xlarge": (4, 8, "Compute optimized", "AMD EPYC 7R13 Processor", "Up to 12500 Megabit", 0,
                   {"us-east-1": "0.153", "us-west-2": "0.153", "eu-west-1": "0.1728"}),
    "c7i.xlarge": (4, 8, "Compute optimized", "Intel Xeon Scalable (Sapphire Rapids)", "Up to 12.5 Gigabit", 0,
                   {"us-east-1": "0.1785", "us-west-2": "0.1785", "eu-west-1": "0.2016"}),
    "g5.xlarge": (4, 16, "GPU instance", "AMD EPYC 7R32", "Up to 10 Gigabit", 1,
                  {"us-east-1": "1.006", "us-west-2": "1.006", "eu-west-1": "1.123"}),
}

# EBS gp3 storage, USD per GB-month.
GP3 = {"us-east-1": "0.08", "us-west-2": "0.08", "eu-west-1": "0.088"}
# EKS: the cluster hour (perCluster, $0.10, billed for every cluster) and
# the extended support surcharge (extendedSupport, $0.50, billed on top of
# it for the hours a cluster's version is in extended support: $0.60 in
# all, as the EKS pricing page puts it); Fargate per vCPU-hour and per
# GB-hour (EKS pricing page).
EKS_CLUSTER = {"cluster": "0.10", "extended": "0.50"}
FARGATE = {
    "vCPU": {"us-east-1": "0.04048", "us-west-2": "0.04048", "eu-west-1": "0.04048"},
    "GB": {"us-east-1": "0.004445", "us-west-2": "0.004445", "eu-west-1": "0.004445"},
}

# Variants of every instance: operatingSystem, tenancy, preInstalledSw,
# capacitystatus; their prices derive from the on-demand Linux one.
WINDOWS_PER_VCPU = 0.046  # Windows licence, USD per vCPU-hour
SQL_WEB_PER_VCPU = 0.017  # SQL Server Web, USD per vCPU-hour
DEDICATED_FACTOR = 1.1


def enabled(rule):
    return rule not in control.DISABLED


class PricingError(Exception):
    def __init__(self, code, message, status="400 Bad Request"):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _invalid(message):
    return PricingError("InvalidParameterException", message)


def _sku(*parts):
    """A stable 16-character SKU in AWS's alphabet, e.g. 2HF2PY93U8TTRVTA."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return base64.b32encode(digest).decode()[:16].replace("=", "A")


def _usd(value):
    return "%.10f" % float(value)


def _override(key):
    """(found, usd) for a price key from the tests' overrides."""
    k = tuple(sorted(key.items()))
    if k in control.PRICE_OVERRIDES:
        return True, control.PRICE_OVERRIDES[k]
    return False, None


def override_key(body):
    """The override a control request names, and its price (None: removed)."""
    region = body.get("regionCode")
    if region not in REGIONS:
        raise ValueError("regionCode must be one of %s" % sorted(REGIONS))
    kinds = [k for k in ("instanceType", "volumeApiName", "fargate", "eks") if k in body]
    if len(kinds) != 1:
        raise ValueError("name one of instanceType, volumeApiName, fargate, eks")
    kind, name = kinds[0], body[kinds[0]]
    known = {"instanceType": INSTANCES, "volumeApiName": {"gp3": 1}, "fargate": FARGATE, "eks": EKS_CLUSTER}[kind]
    if name not in known:
        raise ValueError("%s %r is not in the price table; known: %s" % (kind, name, sorted(known)))
    if "usd" not in body:
        raise ValueError('usd is required: a price such as "0.5", or null to remove the product')
    usd = body["usd"]
    if usd is not None:
        usd = str(usd)
        if float(usd) < 0:
            raise ValueError("usd must not be negative")
    return tuple(sorted({kind: name, "regionCode": region}.items())), usd


# ---------------------------------------------------------------------------
# The products.


def _term(sku, code, usd, unit, description, attributes=None):
    rate = "%s.%s.%s" % (sku, code, HOURLY)
    return {"%s.%s" % (sku, code): {
        "priceDimensions": {rate: {
            "unit": unit, "endRange": "Inf", "description": description, "appliesTo": [],
            "rateCode": rate, "beginRange": "0", "pricePerUnit": {"USD": _usd(usd)},
        }},
        "sku": sku, "effectiveDate": PUBLICATION[2], "offerTermCode": code,
        "termAttributes": dict(attributes or {}),
    }}


def _document(service, family, attributes, usd, unit, description, reserved=None):
    sku = _sku(service, json.dumps(attributes, sort_keys=True))
    terms = {"OnDemand": _term(sku, ON_DEMAND, usd, unit, description)}
    if reserved is not None:
        terms["Reserved"] = _term(sku, RI_1YR_NO_UPFRONT, reserved, unit,
                                  "Linux/UNIX (Amazon VPC), %s reserved instance applied" % attributes["instanceType"],
                                  {"LeaseContractLength": "1yr", "OfferingClass": "standard",
                                   "PurchaseOption": "No Upfront"})
    attributes = dict(attributes, servicecode=service)
    return {
        "product": {"productFamily": family, "attributes": attributes, "sku": sku},
        "serviceCode": service,
        "terms": terms,
        "version": PUBLICATION[0],
        "publicationDate": PUBLICATION[1],
    }


def _region_attrs(region):
    return {"regionCode": region, "location": REGIONS[region][0], "locationType": "AWS Region"}


def _instances(region):
    loc, prefix, _ = REGIONS[region]
    for itype, (vcpu, mem, family, cpu, net, gpus, prices) in INSTANCES.items():
        found, base = _override({"instanceType": itype, "regionCode": region})
        if not found:
            base = prices[region]
        if base is None:
            continue
        base = float(base)
        for os_ in ("Linux", "Windows"):
            for tenancy in ("Shared", "Dedicated"):
                for sw in ("NA", "SQL Web"):
                    for capacity in ("Used", "UnusedCapacityReservation", "AllocatedCapacityReservation"):
                        usd = base + (WINDOWS_PER_VCPU * vcpu if os_ == "Windows" else 0)
                        usd += SQL_WEB_PER_VCPU * vcpu if sw == "SQL Web" else 0
                        usd *= DEDICATED_FACTOR if tenancy == "Dedicated" else 1
                        if capacity == "AllocatedCapacityReservation":
                            usd = 0  # paid for by the reservation
                        usage = "%s%s:%s" % (prefix, {"Shared": "BoxUsage", "Dedicated": "DedicatedUsage"}[tenancy],
                                             itype)
                        if capacity != "Used":
                            usage = usage.replace("BoxUsage", "Reservation").replace("DedicatedUsage", "DedicatedRes")
                        operation = "RunInstances" + {("Linux", "NA"): "", ("Linux", "SQL Web"): ":0200",
                                                      ("Windows", "NA"): ":0002",
                                                      ("Windows", "SQL Web"): ":0202"}[(os_, sw)]
                        attrs = dict(_region_attrs(region), **{
                            "instanceType": itype, "instanceFamily": family, "vcpu": str(vcpu),
                            "memory": "%d GiB" % mem, "physicalProcessor": cpu, "networkPerformance": net,
                            "processorArchitecture": "64-bit", "storage": "EBS only",
                            "gpu": str(gpus) if gpus else "NA", "currentGeneration": "Yes",
                            "operatingSystem": os_, "tenancy": tenancy, "preInstalledSw": sw,
                            "capacitystatus": capacity, "licenseModel": "No License required",
                            "usagetype": usage, "operation": operation, "marketoption": "OnDemand",
                            "servicename": "Amazon Elastic Compute Cloud",
                        })
                        desc = "$%s per On Demand %s%s %s Instance Hour" % (
                            ("%.4f" % usd).rstrip("0").rstrip(".") if usd else "0.00",
                            {"Linux": "Linux", "Windows": "Windows"}[os_],
                            "" if sw == "NA" else " with " + sw, itype)
                        if tenancy == "Dedicated":
                            desc = desc.replace("On Demand", "On Demand Dedicated")
                        reserved = round(usd * 0.62, 4) if (os_, tenancy, sw, capacity) == (
                            "Linux", "Shared", "NA", "Used") else None
                        yield _document("AmazonEC2", "Compute Instance", attrs, usd, "Hrs", desc, reserved)


def _storage(region):
    loc, prefix, _ = REGIONS[region]
    found, usd = _override({"volumeApiName": "gp3", "regionCode": region})
    usd = usd if found else GP3[region]
    if usd is None:
        return
    attrs = dict(_region_attrs(region), **{
        "volumeApiName": "gp3", "volumeType": "General Purpose", "storageMedia": "SSD-backed",
        "maxVolumeSize": "16 TiB", "maxIopsvolume": "16000", "maxThroughputvolume": "1000 MiB/s",
        "usagetype": "%sEBS:VolumeUsage.gp3" % prefix, "operation": "",
        "servicename": "Amazon Elastic Compute Cloud",
    })
    yield _document("AmazonEC2", "Storage", attrs, usd, "GB-Mo",
                    "$%s per GB-month of General Purpose (gp3) provisioned storage - %s" % (usd, loc))


def _eks(region):
    loc, _, prefix = REGIONS[region]
    for kind, default in EKS_CLUSTER.items():
        found, usd = _override({"eks": kind, "regionCode": region})
        usd = usd if found else default
        if usd is None:
            continue
        usage = "%sAmazonEKS-Hours:%s" % (prefix, "perCluster" if kind == "cluster" else "extendedSupport")
        attrs = dict(_region_attrs(region), usagetype=usage, operation="CreateOperation", tenancy="Shared",
                     servicename="Amazon Elastic Container Service for Kubernetes")
        what = "Amazon EKS cluster usage" if kind == "cluster" else "Amazon EKS cluster extended support usage"
        yield _document("AmazonEKS", "Compute", attrs, usd, "Hours", "%s in %s" % (what, loc))
    for kind, prices in FARGATE.items():
        found, usd = _override({"fargate": kind, "regionCode": region})
        usd = usd if found else prices[region]
        if usd is None:
            continue
        usage = "%sFargate-%s" % (prefix, "vCPU-Hours:perCPU" if kind == "vCPU" else "GB-Hours")
        attrs = dict(_region_attrs(region), usagetype=usage, operation="", tenancy="Shared",
                     operatingSystem="Linux", cpuArchitecture="x86_64",
                     servicename="Amazon Elastic Container Service for Kubernetes",
                     **({"cputype": "perCPU"} if kind == "vCPU" else {"memorytype": "perGB"}))
        yield _document("AmazonEKS", "Compute", attrs, usd, "hours",
                        "AWS Fargate - vCPU - %s" % loc if kind == "vCPU" else "AWS Fargate - Memory - %s" % loc)


def products(service):
    """Every price document of a service code, in SKU order."""
    out = []
    for region in REGIONS:
        if service == "AmazonEC2":
            out.extend(_instances(region))
            out.extend(_storage(region))
        elif service == "AmazonEKS":
            out.extend(_eks(region))
    return sorted(out, key=lambda d: d["product"]["sku"])


SERVICES = ("AmazonEC2", "AmazonEKS")


def attribute_names(service):
    names = set()
    for d in products(service):
        names.update(d["product"]["attributes"])
    return sorted(names)


# ---------------------------------------------------------------------------
# Operations.


def _value(doc, field):
    if field == "ServiceCode":
        return doc["serviceCode"]
    if field == "productFamily":
        return doc["product"]["productFamily"]
    if field == "sku":
        return doc["product"]["sku"]
    return doc["product"]["attributes"].get(field)


def _matches(doc, f):
    """One Filter: TERM_MATCH and EQUALS compare exactly, CONTAINS is a
    substring, ANY_OF / NONE_OF take a comma-separated list of values."""
    v = _value(doc, f["Field"])
    want = f["Value"]
    t = f["Type"]
    if t in ("TERM_MATCH", "EQUALS"):
        return v == want
    if t == "CONTAINS":
        return v is not None and want in v
    values = [x.strip() for x in want.split(",")]
    if t == "ANY_OF":
        return v in values
    return v not in values  # NONE_OF


def _check_service(service):
    if not service:
        raise _invalid("ServiceCode is required")
    if service not in SERVICES:
        raise PricingError("NotFoundException", "The requested service code %s is not found" % service)


def _check_format(fmt):
    if fmt is not None and fmt != FORMAT_VERSION:
        raise _invalid("FormatVersion must be %s, not %r" % (FORMAT_VERSION, fmt))


def _page(op, scope, items, max_results, token, most, default):
    """One page and the next token. The token names where the page ended,
    for this request's parameters only: any other token (made up, or from
    another request) is InvalidNextTokenException."""
    if max_results is None:
        max_results = default
    if not isinstance(max_results, int) or not 1 <= max_results <= most:
        raise _invalid("MaxResults must be between 1 and %d" % most)
    start = 0
    digest = hashlib.sha256(("%s|%s" % (op, scope)).encode()).hexdigest()[:16]
    if token:
        try:
            d, n = base64.urlsafe_b64decode(token.encode()).decode().split(":")
            if d != digest:
                raise ValueError(token)
            start = int(n)
        except (ValueError, UnicodeDecodeError):
            raise PricingError("InvalidNextTokenException", "The pagination token is invalid. Try again without a pagination token.")
    page = items[start:start + max_results]
    nxt = None
    if start + max_results < len(items):
        nxt = base64.urlsafe_b64encode(("%s:%d" % (digest, start + max_results)).encode()).decode()
    return page, nxt


def get_products(req):
    service = req.get("ServiceCode")
    _check_service(service)
    _check_format(req.get("FormatVersion"))
    filters = req.get("Filters") or []
    if len(filters) > 50:
        raise _invalid("At most 50 filters")
    for f in filters:
        if f.get("Type") not in FILTER_TYPES:
            raise _invalid("Filter Type must be one of %s, not %r" % (", ".join(FILTER_TYPES), f.get("Type")))
        for k in ("Field", "Value"):
            if not f.get(k) or len(f[k]) > 1024:
                raise _invalid("Filter %s must be 1-1024 characters" % k)
    docs = products(service)
    if enabled("pricing-filters"):
        docs = [d for d in docs if all(_matches(d, f) for f in filters)]
    scope = json.dumps([service, filters], sort_keys=True)
    page, nxt = _page("GetProducts", scope, docs, req.get("MaxResults"), req.get("NextToken"), 100, 100)
    out = {"FormatVersion": FORMAT_VERSION, "PriceList": [json.dumps(d) for d in page]}
    if nxt:
        out["NextToken"] = nxt
    return out


def describe_services(req):
    service = req.get("ServiceCode")
    _check_format(req.get("FormatVersion"))
    if service:
        _check_service(service)
    codes = [service] if service else list(SERVICES)
    page, nxt = _page("DescribeServices", service or "", codes, req.get("MaxResults"), req.get("NextToken"), 100, 100)
    out = {"FormatVersion": FORMAT_VERSION,
           "Services": [{"ServiceCode": c, "AttributeNames": attribute_names(c)} for c in page]}
    if nxt:
        out["NextToken"] = nxt
    return out


def get_attribute_values(req):
    service, name = req.get("ServiceCode"), req.get("AttributeName")
    _check_service(service)
    if not name:
        raise _invalid("AttributeName is required")
    values = sorted({d["product"]["attributes"][name] for d in products(service) if name in d["product"]["attributes"]})
    page, nxt = _page("GetAttributeValues", "%s|%s" % (service, name), values, req.get("MaxResults"),
                      req.get("NextToken"), 10000, 100)
    out = {"AttributeValues": [{"Value": v} for v in page]}
    if nxt:
        out["NextToken"] = nxt
    return out


OPERATIONS = {
    "GetProducts": get_products,
    "DescribeServices": describe_services,
    "GetAttributeValues": get_attribute_values,
}


# ---------------------------------------------------------------------------
# The HTTP side.


def _scope(environ):
    """(region, service) of the request's SigV4 credential scope."""
    m = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return (m.group(1), m.group(2).lower()) if m else (None, None)


def _answer(start_response, status, obj, error_type=None):
    body = json.dumps(obj).encode()
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(body))),
               ("x-amzn-RequestId", str(uuid.uuid4()))]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    start_response(status, headers)
    return [body]


class PricingMiddleware:
    """Answers Price List requests; everything else goes to moto."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        region, service = _scope(environ)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if service != SERVICE and not target.startswith(TARGET_PREFIX):
            return self.app(environ, start_response)
        try:
            if enabled("pricing-regions") and region not in ENDPOINT_REGIONS:
                raise PricingError("InvalidSignatureException",
                                   "Credential should be scoped to a valid region, not '%s'. The Price List API's "
                                   "endpoints are in %s." % (region, ", ".join(ENDPOINT_REGIONS)),
                                   "403 Forbidden")
            op = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else ""
            if op not in OPERATIONS:
                raise PricingError("UnknownOperationException", "Unknown operation %r" % target)
            try:
                size = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                size = 0
            raw = environ["wsgi.input"].read(size) if size else b""
            try:
                req = json.loads(raw or b"{}")
            except ValueError:
                raise PricingError("SerializationException", "The request body is not JSON")
            with _LOCK:
                return _answer(start_response, "200 OK", OPERATIONS[op](req))
        except PricingError as e:
            return _answer(start_response, e.status, {"__type": e.code, "Message": e.message}, e.code)



def wrap(app):
    """The WSGI app with the Price List in front of it (unless switched off)."""
    return PricingMiddleware(app) if enabled("pricing") else app
