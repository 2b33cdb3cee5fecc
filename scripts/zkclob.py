#!/usr/bin/env python3
"""A small client for the exchange's REST API that signs requests as docs/api.md describes.

  scripts/zkclob.py register alice                      # new Ed25519 key in ~/.zkclob/alice.json, registers it
  scripts/zkclob.py deposit alice USDT 10000 --external-id 1   # operator credit (embedded default key)
  scripts/zkclob.py order alice ETH-USDT BUY LIMIT --price 3000 --qty 0.5 [--tif GTC] [--client-order-id 7]
  scripts/zkclob.py cancel alice ORDER_ID | cancel-all alice [--market ETH-USDT]
  scripts/zkclob.py balances alice | orders alice [--open] | order-status alice ORDER_ID | trades alice
  scripts/zkclob.py withdraw alice USDT 100 | depth ETH-USDT | markets
Needs the 'cryptography' package (pip install cryptography). ZKCLOB_URL defaults to http://127.0.0.1:8080.
"""
import argparse, base64, json, os, sys, time, urllib.error, urllib.request
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

URL = os.environ.get("ZKCLOB_URL", "http://127.0.0.1:8080")
OPERATOR_KEY = os.environ.get("ZKCLOB_OPERATOR_KEY", "dev-operator-key")
KEYS = Path(os.environ.get("ZKCLOB_HOME", Path.home() / ".zkclob"))


def call(method, path, body=None, account=None, headers=None):
    data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    h = {"Content-Type": "application/json", **(headers or {})}
    if account:
        # The signed message: timestamp \n METHOD \n path?query \n body
        ts = str(int(time.time() * 1000))
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(account["privateKey"]))
        sig = key.sign(f"{ts}\n{method}\n{path}\n".encode() + data)
        h.update({"X-Account-Id": str(account["accountId"]), "X-Timestamp": ts,
                  "X-Signature": base64.b64encode(sig).decode()})
    req = urllib.request.Request(URL + path, data=data if method in ("POST", "PUT") else None, method=method, headers=h)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def load(name):
    return json.loads((KEYS / f"{name}.json").read_text())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("cmd")
    p.add_argument("args", nargs="*")
    p.add_argument("--price"); p.add_argument("--qty"); p.add_argument("--quote-qty")
    p.add_argument("--tif"); p.add_argument("--client-order-id", type=int)
    p.add_argument("--external-id", type=int); p.add_argument("--market"); p.add_argument("--open", action="store_true")
    a = p.parse_args()
    c, x = a.cmd, a.args
    if c == "register":
        KEYS.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        priv = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        status, r = call("POST", "/api/v1/accounts", {"publicKey": base64.b64encode(pub).decode()})
        if status in (200, 201):
            (KEYS / f"{x[0]}.json").write_text(json.dumps({"accountId": r["accountId"], "privateKey": base64.b64encode(priv).decode()}))
        out = (status, r)
    elif c == "deposit":
        out = call("POST", "/api/v1/admin/deposits", {"accountId": load(x[0])["accountId"], "asset": x[1], "amount": x[2],
                   "externalId": a.external_id or int(time.time() * 1000)}, headers={"X-Operator-Key": OPERATOR_KEY})
    elif c == "order":
        body = {"market": x[1], "side": x[2], "type": x[3]}
        for k, v in (("price", a.price), ("qty", a.qty), ("quoteQty", a.quote_qty), ("timeInForce", a.tif), ("clientOrderId", a.client_order_id)):
            if v is not None: body[k] = v
        out = call("POST", "/api/v1/orders", body, load(x[0]))
    elif c == "cancel":
        out = call("DELETE", f"/api/v1/orders/{x[1]}", None, load(x[0]))
    elif c == "cancel-all":
        out = call("DELETE", "/api/v1/orders" + (f"?market={a.market}" if a.market else ""), None, load(x[0]))
    elif c == "balances":
        out = call("GET", "/api/v1/balances", None, load(x[0]))
    elif c == "orders":
        out = call("GET", "/api/v1/orders" + ("?open=true" if a.open else ""), None, load(x[0]))
    elif c == "order-status":
        out = call("GET", f"/api/v1/orders/{x[1]}", None, load(x[0]))
    elif c == "trades":
        out = call("GET", "/api/v1/trades", None, load(x[0]))
    elif c == "withdraw":
        out = call("POST", "/api/v1/withdrawals", {"asset": x[1], "amount": x[2]}, load(x[0]))
    elif c == "depth":
        out = call("GET", f"/api/v1/markets/{x[0]}/depth")
    elif c == "markets":
        out = call("GET", "/api/v1/markets")
    else:
        p.error(f"unknown command {c}")
    print(out[0], json.dumps(out[1], indent=None))
    sys.exit(0 if 200 <= out[0] < 300 else 1)


if __name__ == "__main__":
    main()
