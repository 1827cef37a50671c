"""Test controls for the eksctl-lite emulator: delays, fault injection, call log.

Everything here lives under /_eksctl_lite/, a path no AWS SDK ever requests,
and is wrapped around moto's WSGI application by server.py:

  GET    /_eksctl_lite/health   -> {"ok": true}
  GET    /_eksctl_lite/config   -> {"create_delay": s, "delete_delay": s, "update_delay": s}
  POST   /_eksctl_lite/config   body: any subset of those keys (seconds, float)
  GET    /_eksctl_lite/faults   -> {"faults": [...]} with what is left of each
  POST   /_eksctl_lite/faults   body: {"operation": "DescribeCluster" | "iam:ListRoles",
                                       "kind": "throttle"|"http500"|"drop"|"drop_after"|"latency",
                                       "count": N (<= 0: until cleared), "latency": s}
  DELETE /_eksctl_lite/faults   clear every fault
  GET    /_eksctl_lite/calls    -> {"calls": [{"service","operation","status"}...]}
  DELETE /_eksctl_lite/calls    clear the call log
  GET    /_eksctl_lite/today    -> {"date": "YYYY-MM-DD", "fixed": bool}: the emulator's today
  POST   /_eksctl_lite/today    body: {"date": "2026-12-03"}: EKS version statuses are those of that day
  DELETE /_eksctl_lite/today    back to the real (UTC) date
  GET    /_eksctl_lite/prices   -> {"overrides": [...]}: Price List prices set by tests
  POST   /_eksctl_lite/prices   body: {"instanceType": "m6i.large", "regionCode": "us-east-1", "usd": "0.5"}
                                (or "volumeApiName": "gp3", or "fargate": "vCPU"|"GB"): that price instead
  DELETE /_eksctl_lite/prices   every price back to the table's
  GET    /_eksctl_lite/connector -> {"clusters": [{"name", "status", "activationExpiry", "region", "account"}]}:
                                the connected (registered) clusters (eks_connector.py)
  POST   /_eksctl_lite/connector body: {"name": N, "expire": true} -> N's activationExpiry in the past
                                (a PENDING cluster is then FAILED); {"name": N, "connect": true} -> ACTIVE, as
                                if its agent had connected (refused once expired); optional "region"
                                (default us-east-1), "account" (default 123456789012). Answers
                                {"name", "status", "activationExpiry"}
  GET/POST /_eksctl_lite/NAME   endpoints registered in ENDPOINTS by the
                                service patches, e.g. eks-ami (ssm_eks_ami.py), connector (eks_connector.py)

POST /moto-api/reset (moto's own reset) also resets all of this state: faults
and the call log are cleared, the delays return to the values the server
was started with, today is the real date again and price overrides are gone.
"""

import datetime
import io
import json
import os
import re
import socket
import struct
import threading
import time
import uuid
from urllib.parse import parse_qs, urlsplit

CONTROL_PREFIX = "/_eksctl_lite/"

# Delays (seconds) of the asynchronous EKS lifecycle; eks_fidelity reads them.
# The launch values are kept so that a moto reset can restore them.
DELAYS = {"create_delay": 2.0, "delete_delay": 1.0, "update_delay": 1.0}
_LAUNCH_DELAYS = dict(DELAYS)

# The day EKS version statuses are computed for (eks_versions.today()):
# {"date": "YYYY-MM-DD"} once a test sets it, {} for the real UTC date.
TODAY = {}

# Price List prices set by tests (pricing.py reads them): key -> USD string.
PRICE_OVERRIDES = {}

# Patches switched off by name, to check that a test fails without its patch:
#   EKSCTL_LITE_EMULATOR_DISABLE=quotas,names go test -run TestEmulatorQuotas ./integration
# Read once at start; the names are listed in integration/README.md.
DISABLED = frozenset(n.strip() for n in os.environ.get("EKSCTL_LITE_EMULATOR_DISABLE", "").split(",") if n.strip())

# Extensions registered by the service patches (autoscaling_refresh,
# ssm_eks_ami): functions called on a moto reset, and control endpoints
# /_eksctl_lite/<name> served by handler(method, body) -> JSON-able object
# (a ValueError is HTTP 400).
RESET_HOOKS = []
ENDPOINTS = {}

_lock = threading.Lock()
_faults = []  # dicts: operation, kind, remaining (None = unlimited), latency
_calls = []  # dicts: service, operation, status

# drop: the connection closes before the request reaches moto (request lost);
# drop_after: moto handles the request, then the connection closes without
# the response (response lost: the change happened, the caller cannot know).
FAULT_KINDS = ("throttle", "http500", "drop", "drop_after", "latency")


def set_launch_delays(delays):
    """Sets the delays the server starts with (and returns to on reset)."""
    DELAYS.update(delays)
    _LAUNCH_DELAYS.clear()
    _LAUNCH_DELAYS.update(DELAYS)


def reset():
    """Forgets faults and calls, restores the launch delays."""
    with _lock:
        _faults.clear()
        _calls.clear()
        DELAYS.clear()
        DELAYS.update(_LAUNCH_DELAYS)
        TODAY.clear()
        PRICE_OVERRIDES.clear()
    for hook in RESET_HOOKS:
        hook()


class _EKSOperations:
    """Maps an EKS REST request (method + path) to its operation name, using
    the same botocore service model moto itself routes with."""

    def __init__(self):
        self._table = None

    def name(self, method, path):
        if self._table is None:
            from moto.core.responses import _get_method_urls

            urls = _get_method_urls("eks", "us-east-1")
            self._table = {
                m: sorted(patterns.items(), key=lambda kv: len(kv[0]), reverse=True)
                for m, patterns in urls.items()
            }
        for regexp, name in self._table.get(method, []):
            if re.match(regexp, path):
                return name
        return None


_eks_ops = _EKSOperations()


def identify(environ):
    """Returns (service, operation) of an AWS request, e.g. ("eks",
    "DescribeCluster") or ("iam", "ListRoles"); (None, None) if unknown.

    The service comes from the SigV4 credential scope
    (Credential=AKID/date/region/SERVICE/aws4_request). EKS is restJson1, so
    its operation follows from method and path; IAM is the query protocol, so
    its operation is the Action form parameter of the body, which is read and
    put back for moto."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
    if not m:
        return None, None
    service = m.group(1).lower()
    if service == "eks":
        # The raw path: PATH_INFO has the escapes decoded, so a principal
        # ARN's "/" (role/NAME) would make AssociateAccessPolicy look like
        # UpdateAccessEntry to the patterns.
        path = environ.get("PATH_INFO", "")
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        if raw and "call-log-raw-path" not in DISABLED:
            path = urlsplit(raw).path
        return service, _eks_ops.name(environ.get("REQUEST_METHOD", ""), path)
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:  # JSON protocols: "AWSPriceListService.GetProducts", "AmazonSSM.GetParameter"
        return service, target.rsplit(".", 1)[-1]
    action = None
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        action = query["Action"][0]
    else:
        try:
            size = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size:
            body = environ["wsgi.input"].read(size)
            environ["wsgi.input"] = io.BytesIO(body)
            form = parse_qs(body.decode("utf-8", "replace"))
            if "Action" in form:
                action = form["Action"][0]
    return service, action


def _take_fault(service, operation):
    """Returns the first fault matching the call and counts it down."""
    if not operation:
        return None
    with _lock:
        for f in _faults:
            op = f["operation"]
            if op == f"{service}:{operation}" or (":" not in op and op == operation):
                if f["remaining"] is not None:
                    f["remaining"] -= 1
                    if f["remaining"] <= 0:
                        _faults.remove(f)
                f["hits"] += 1
                return dict(f)
    return None


def _json(start_response, status, obj, headers=()):
    body = json.dumps(obj).encode()
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        + list(headers),
    )
    return [body]


def _read_json(environ):
    try:
        size = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    raw = environ["wsgi.input"].read(size) if size else b""
    return json.loads(raw or b"{}")


def _fault_response(service, operation, kind, start_response):
    """The error AWS returns for the protocol: restJson1 for EKS (JSON body,
    x-amzn-ErrorType header), JSON 1.1 for the Price List (its model's
    ThrottlingException and InternalErrorException), query/XML for IAM and STS."""
    request_id = str(uuid.uuid4())
    if service == "pricing":
        status, code, message = (
            ("400 Bad Request", "ThrottlingException", "Rate exceeded") if kind == "throttle"
            else ("500 Internal Server Error", "InternalErrorException", "Internal failure (injected)"))
        start_response(status, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", request_id)])
        return [json.dumps({"__type": code, "Message": message}).encode()]
    if kind == "throttle":
        rest = ("429 Too Many Requests", "ThrottlingException", "Rate exceeded")
        query = ("400 Bad Request", "Throttling", "Rate exceeded", "Sender")
    else:  # http500
        rest = ("500 Internal Server Error", "ServerException", "Internal failure (injected)")
        query = ("500 Internal Server Error", "ServiceFailure", "Internal failure (injected)", "Receiver")
    if service == "eks":
        status, code, message = rest
        return _json(
            start_response,
            status,
            {"message": message, "__type": code},
            [("x-amzn-ErrorType", code), ("x-amzn-RequestId", request_id)],
        )
    status, code, message, who = query
    body = (
        "<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message>"
        "</Error><RequestId>%s</RequestId></ErrorResponse>" % (who, code, message, request_id)
    ).encode()
    start_response(
        status,
        [
            ("Content-Type", "text/xml"),
            ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", request_id),
        ],
    )
    return [body]


def _drop(environ, start_response):
    """Closes the client connection without an HTTP response. The server's
    attempt to write the response afterwards fails with a connection error,
    which werkzeug treats as a client that went away (no traceback)."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            # Linger 0: the close sends a TCP reset, as a crashed peer would.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    start_response("500 Internal Server Error", [("Content-Length", "0")])
    return [b""]


class ControlMiddleware:
    """WSGI middleware in front of moto: serves /_eksctl_lite/, injects faults,
    logs calls, and resets this module's state on POST /moto-api/reset."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path.startswith(CONTROL_PREFIX):
            return self._control(path[len(CONTROL_PREFIX):], method, environ, start_response)
        if path.rstrip("/") == "/moto-api/reset" and method == "POST":
            reset()
            from eks_fidelity import reset as eks_reset

            eks_reset()
            return self.app(environ, start_response)

        service, operation = identify(environ)
        fault = _take_fault(service, operation)
        if fault:
            kind = fault["kind"]
            if kind == "latency":
                time.sleep(fault["latency"])
            elif kind == "drop":
                self._log(service, operation, "dropped")
                return _drop(environ, start_response)
            elif kind == "drop_after":
                status_holder = {}

                def discard(status, headers, exc_info=None):
                    status_holder["status"] = status
                    return lambda data: None

                result = self.app(environ, discard)
                try:
                    for _ in result:
                        pass
                finally:
                    if hasattr(result, "close"):
                        result.close()
                self._log(service, operation, "dropped_after_" + status_holder.get("status", "")[:3])
                return _drop(environ, start_response)
            else:
                self._log(service, operation, kind)
                return _fault_response(service, operation, kind, start_response)

        status_holder = {}

        def recording_start_response(status, headers, exc_info=None):
            status_holder["status"] = status
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording_start_response)
        if service:
            self._log(service, operation, status_holder.get("status", "")[:3])
        return result

    @staticmethod
    def _log(service, operation, status):
        with _lock:
            _calls.append({"service": service, "operation": operation, "status": status})

    def _control(self, what, method, environ, start_response):
        try:
            if what == "health":
                return _json(start_response, "200 OK", {"ok": True})
            if what == "config":
                if method == "POST":
                    body = _read_json(environ)
                    unknown = set(body) - set(DELAYS)
                    if unknown:
                        raise ValueError("unknown config keys %s; known: %s" % (sorted(unknown), sorted(DELAYS)))
                    with _lock:
                        for k, v in body.items():
                            if float(v) < 0:
                                raise ValueError("%s must not be negative" % k)
                            DELAYS[k] = float(v)
                return _json(start_response, "200 OK", dict(DELAYS))
            if what == "faults":
                if method == "DELETE":
                    with _lock:
                        _faults.clear()
                    return _json(start_response, "200 OK", {"faults": []})
                if method == "POST":
                    body = _read_json(environ)
                    kind = body.get("kind")
                    if kind not in FAULT_KINDS:
                        raise ValueError("kind must be one of %s" % (FAULT_KINDS,))
                    if not body.get("operation"):
                        raise ValueError('operation is required, e.g. "DescribeCluster" or "iam:ListRoles"')
                    count = int(body.get("count", 1))
                    with _lock:
                        _faults.append(
                            {
                                "operation": body["operation"],
                                "kind": kind,
                                "remaining": count if count > 0 else None,
                                "latency": float(body.get("latency", 0)),
                                "hits": 0,
                            }
                        )
                with _lock:
                    return _json(start_response, "200 OK", {"faults": [dict(f) for f in _faults]})
            if what == "calls":
                with _lock:
                    if method == "DELETE":
                        _calls.clear()
                    return _json(start_response, "200 OK", {"calls": list(_calls)})
            if what == "today":
                with _lock:
                    if method == "DELETE":
                        TODAY.clear()
                    elif method == "POST":
                        date = str(_read_json(environ).get("date") or "")
                        datetime.date.fromisoformat(date)  # ValueError: 400
                        TODAY["date"] = date
                    day = TODAY.get("date") or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
                    return _json(start_response, "200 OK", {"date": day, "fixed": bool(TODAY)})
            if what == "prices":
                import pricing

                with _lock:
                    if method == "DELETE":
                        PRICE_OVERRIDES.clear()
                    elif method == "POST":
                        key, usd = pricing.override_key(_read_json(environ))
                        PRICE_OVERRIDES[key] = usd
                    return _json(start_response, "200 OK", {"overrides": [
                        dict(k, usd=v) for k, v in ((dict(key), v) for key, v in PRICE_OVERRIDES.items())]})
            if what in ENDPOINTS:
                body = _read_json(environ) if method in ("POST", "PUT") else {}
                return _json(start_response, "200 OK", ENDPOINTS[what](method, body))
            return _json(start_response, "404 Not Found", {"error": "no control endpoint /_eksctl_lite/%s" % what})
        except (ValueError, TypeError) as e:
            return _json(start_response, "400 Bad Request", {"error": str(e)})
