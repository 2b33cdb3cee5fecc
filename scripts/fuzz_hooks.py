"""Schemathesis hooks for scripts/fuzz: sign /api/v1 requests as one funded account (docs/api.md), add the operator
key to /api/v1/admin, and count every response by status so that the run ends with its figures.

Signing happens in a requests auth object, on the prepared request: the path, query and body it signs are the
bytes that go on the wire, whatever schemathesis generated (a signature over anything else would make every
private endpoint answer 401, and the fuzzer would never get past authentication).
"""
import atexit
import base64
import json
import os
import threading
import time
from urllib.parse import urlsplit

import requests
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ACCOUNT = os.environ.get("FUZZ_ACCOUNT_ID")
SEED = os.environ.get("FUZZ_PRIVATE_KEY")  # the raw 32-byte Ed25519 seed, base64
KEY = Ed25519PrivateKey.from_private_bytes(base64.b64decode(SEED)) if SEED else None
OPERATOR_KEY = os.environ.get("ZKCLOB_OPERATOR_KEY", "dev-operator-key")
STATS_FILE = os.environ.get("FUZZ_STATS")
# At most this many 5xx responses are kept with their request, for the report (the count is kept in full).
MAX_KEPT = 50

_lock = threading.Lock()
_stats = {"sent": 0, "answered": 0, "by_status": {}, "server_errors": [], "slowest_ms": 0}
_seen = set()  # (method, path template, status): one example of each kind of 5xx is enough for the report


class Signed(requests.auth.AuthBase):
    def __call__(self, r):
        u = urlsplit(r.url)
        path = u.path + ("?" + u.query if u.query else "")
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        if u.path.startswith("/api/v1/admin"):
            r.headers["X-Operator-Key"] = OPERATOR_KEY
        if KEY is not None and u.path.startswith("/api/v1"):
            ts = str(int(time.time() * 1000))
            signature = KEY.sign(f"{ts}\n{r.method}\n{path}\n".encode("utf-8") + body)
            r.headers["X-Account-Id"] = ACCOUNT
            r.headers["X-Timestamp"] = ts
            r.headers["X-Signature"] = base64.b64encode(signature).decode("ascii")
        return r


SIGNED = Signed()


@schemathesis.hook
def before_call(context, case, kwargs):
    kwargs["auth"] = SIGNED
    with _lock:
        _stats["sent"] += 1


@schemathesis.hook
def after_call(context, case, response):
    elapsed_ms = int((getattr(response, "elapsed", 0) or 0) * 1000)
    with _lock:
        _stats["answered"] += 1
        key = str(response.status_code)
        _stats["by_status"][key] = _stats["by_status"].get(key, 0) + 1
        _stats["slowest_ms"] = max(_stats["slowest_ms"], elapsed_ms)
        kind = (case.method, case.operation.path, response.status_code)
        if response.status_code >= 500 and kind not in _seen and len(_stats["server_errors"]) < MAX_KEPT:
            _seen.add(kind)
            _stats["server_errors"].append({
                "method": case.method, "path": case.formatted_path, "status": response.status_code,
                "body": response.text[:300], "curl": case.as_curl_command()[:2000]})


@atexit.register
def _write():
    if STATS_FILE:
        with _lock, open(STATS_FILE, "w") as f:
            json.dump(_stats, f, indent=1)
