"""Schemathesis hooks for scripts/fuzz: sign /api/v1 requests as one funded account (docs/api.md), sign /api/v3's
private requests Binance's way with an API key of that account (X-MBX-APIKEY, timestamp and a hex HMAC-SHA256 of
the query and body as sent), add the operator key to /api/v1/admin, and count every response by status so that the
run ends with its figures.

Credentials reach schemathesis as *explicit* auth (an auth provider), so that its authentication checks know they
are valid: they then send probes without them, or with one replaced by a generated value, and expect 401/403. The
provider puts the account id and placeholders for the timestamp and the signature into a case's headers; the
signature itself is made in a requests auth object, on the prepared request, so that the path, query and body it
signs are the bytes that go on the wire (a signature over anything else would make every private endpoint answer
401, and the fuzzer would never get past authentication). A request is signed only when it still carries the
placeholder signature: where schemathesis removed or replaced a credential on purpose (its negative tests, its
probes), the request goes as it made it, so that the server's refusal is what is checked.
"""
import atexit
import base64
import hashlib
import hmac
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
# An /api/v3 API key of the same account with READ and TRADE (POST /api/v1/apiKeys), and its secret.
API_KEY = os.environ.get("FUZZ_API_KEY")
API_SECRET = os.environ.get("FUZZ_API_SECRET")
STATS_FILE = os.environ.get("FUZZ_STATS")
# At most this many 5xx responses are kept with their request, for the report (the count is kept in full).
MAX_KEPT = 50

_lock = threading.Lock()
_stats = {"sent": 0, "answered": 0, "by_status": {}, "server_errors": [], "slowest_ms": 0,
          # /api/v3 requests this hook signed with the API key, by status: a 2xx or a 400 means the handler ran.
          "v3_signed_by_status": {}}
_seen = set()  # (method, path template, status): one example of each kind of 5xx is enough for the report


# Placeholders the auth provider leaves for the requests auth below; neither is a value the server would accept.
TIMESTAMP_PLACEHOLDER = "fuzz-timestamp"
SIGNATURE_PLACEHOLDER = "fuzz-signature"


def _schemes(operation):
    """The security scheme names an operation requires (ApiDocs: accountId+timestamp+signature, or operatorKey)."""
    names = set()
    for requirement in operation.definition.raw.get("security", []) or []:
        names.update(requirement)
    return names


# No caching (the answer differs per operation) and no re-authentication on 401 (a 401 is what is being tested).
@schemathesis.auth(refresh_interval=None, retry_on=[])
class Credentials:
    def get(self, case, ctx):
        schemes = _schemes(case.operation)
        if "signature" in schemes and KEY is not None:
            return "signed"
        if "binanceApiKey" in schemes and API_KEY and API_SECRET:
            return "binance"
        if "operatorKey" in schemes:
            return "operator"
        return None  # a public operation: nothing to add, and no auth for schemathesis to reason about

    def set(self, case, data, ctx):
        headers = case.headers if case.headers is not None else {}
        if data == "signed":
            headers["X-Account-Id"] = ACCOUNT
            headers["X-Timestamp"] = TIMESTAMP_PLACEHOLDER
            headers["X-Signature"] = SIGNATURE_PLACEHOLDER
        elif data == "binance":
            # The key goes in its header; timestamp and signature are parameters (Binance's "SIGNED" endpoints),
            # written on the prepared request below. A generated timestamp would be outside the recvWindow.
            headers["X-MBX-APIKEY"] = API_KEY
            query = dict(case.query) if case.query else {}
            query["timestamp"] = TIMESTAMP_PLACEHOLDER
            query["signature"] = SIGNATURE_PLACEHOLDER
            case.query = query
        else:
            headers["X-Operator-Key"] = OPERATOR_KEY
        case.headers = headers


def _sign_binance(r):
    """Binance's SIGNED request: the query's signature placeholder replaced by the hex HMAC-SHA256, with the API
    key's secret, of the query without its signature pair followed by the body (the server's "totalParams"). Only
    while the request still carries our key and the placeholder: a probe that removed or replaced the key goes as
    schemathesis made it."""
    u = urlsplit(r.url)
    pairs = [p for p in u.query.split("&") if p]
    if r.headers.get("X-MBX-APIKEY") != API_KEY or f"signature={SIGNATURE_PLACEHOLDER}" not in pairs:
        return r
    kept = []
    for p in pairs:
        if p.startswith("signature="):
            continue
        kept.append(f"timestamp={int(time.time() * 1000)}" if p == f"timestamp={TIMESTAMP_PLACEHOLDER}" else p)
    query = "&".join(kept)
    body = r.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    digest = hmac.new(API_SECRET.encode("utf-8"), query.encode("utf-8") + body, hashlib.sha256).hexdigest()
    query = (query + "&" if query else "") + "signature=" + digest
    r.url = u._replace(query=query).geturl()
    return r


class Signed(requests.auth.AuthBase):
    def __call__(self, r):
        if API_KEY and API_SECRET and "X-MBX-APIKEY" in r.headers:
            return _sign_binance(r)
        if KEY is None or r.headers.get("X-Signature") != SIGNATURE_PLACEHOLDER:
            return r
        u = urlsplit(r.url)
        path = u.path + ("?" + u.query if u.query else "")
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        ts = r.headers.get("X-Timestamp")
        if ts == TIMESTAMP_PLACEHOLDER:
            ts = str(int(time.time() * 1000))
            r.headers["X-Timestamp"] = ts
        signature = KEY.sign(f"{ts}\n{r.method}\n{path}\n".encode("utf-8") + body)
        r.headers["X-Signature"] = base64.b64encode(signature).decode("ascii")
        return r


SIGNED = Signed()


def _integral_floats_as_ints(value, depth=0):
    """748.0 -> 748, inside bodies and query values; 1.5 stays (a negative test's violation)."""
    if depth > 64:
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral_floats_as_ints(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(v, depth + 1) for v in value]
    return value


@schemathesis.hook
def before_call(context, case, kwargs):
    # The API reads an integer only as an integer literal (one spelling for each value, docs/api.md: "clientOrderId":
    # 1.5 was once taken as 1), while to JSON Schema 748.0 is an integer: schemathesis sends such floats as valid
    # integers, and the refusal would be counted against the document, which cannot say "no decimal point".
    if isinstance(case.body, (dict, list)):
        case.body = _integral_floats_as_ints(case.body)
    if isinstance(case.query, dict):
        case.query = _integral_floats_as_ints(case.query)
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
        if (case.operation.path.startswith("/api/v3/") and (case.headers or {}).get("X-MBX-APIKEY") == API_KEY
                and (case.query or {}).get("signature") == SIGNATURE_PLACEHOLDER):
            v3 = _stats["v3_signed_by_status"]
            v3[key] = v3.get(key, 0) + 1
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
