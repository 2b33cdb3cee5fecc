#!/usr/bin/env python3
"""A small client for the exchange's REST API that signs requests as docs/api.md describes.

  scripts/zkclob.py register alice                      # new Ed25519 key in ~/.zkclob/alice.json, registers it
  scripts/zkclob.py deposit alice USDT 10000 --external-id 1   # operator credit (embedded default key)
  scripts/zkclob.py order alice ETH-USDT BUY LIMIT --price 3000 --qty 0.5 [--tif GTC] [--client-order-id 7]
  scripts/zkclob.py cancel alice ORDER_ID | cancel-all alice [--market ETH-USDT]
  scripts/zkclob.py balances alice | orders alice [--open] | order-status alice ORDER_ID | trades alice
  scripts/zkclob.py withdraw alice USDT 100 | depth ETH-USDT | markets
  scripts/zkclob.py ws alice ETH-USDT BUY LIMIT --price 3000 --qty 0.5 [--seconds 3]
      # over the WebSocket API (/api/v1/ws): logs on, places the order, prints every message for a few seconds
Needs the 'cryptography' package (pip install cryptography). ZKCLOB_URL defaults to http://127.0.0.1:8080.
"""
import argparse, base64, json, os, socket, struct, sys, time, urllib.error, urllib.parse, urllib.request
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


class WebSocket:
    """Just enough RFC 6455 for the WebSocket API (text frames, ping/pong, close), on the standard library."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(head.decode(errors="replace"))

    def _frame(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        size = struct.pack("!B", 0x80 | n) if n < 126 else struct.pack("!BH", 0x80 | 126, n) if n < 65536 else struct.pack("!BQ", 0x80 | 127, n)
        self.sock.sendall(bytes([0x80 | opcode]) + size + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def send(self, message):
        self._frame(0x1, json.dumps(message, separators=(",", ":")).encode())

    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError("connection closed")
            data += chunk
        return data

    def receive(self):
        """The next text message as JSON; answers pings; raises EOFError with the close reason on close."""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            n = struct.unpack("!H", self._read(2))[0] if n == 126 else struct.unpack("!Q", self._read(8))[0] if n == 127 else n
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 0x9:
                self._frame(0xA, payload)
            elif opcode == 0x8:
                raise EOFError(f"closed {struct.unpack('!H', payload[:2])[0] if len(payload) >= 2 else ''} {payload[2:].decode()}")
            elif opcode == 0x1:
                return json.loads(payload)


def ws_session(account, order, seconds):
    """Logs on (a signed GET /api/v1/ws at a fresh timestamp), places one order, prints what arrives."""
    ws = WebSocket(URL.replace("http", "ws", 1) + "/api/v1/ws")
    ts = int(time.time() * 1000)
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(account["privateKey"]))
    sig = base64.b64encode(key.sign(f"{ts}\nGET\n/api/v1/ws\n".encode())).decode()
    ws.send({"id": "logon", "method": "session.logon", "params": {"accountId": account["accountId"], "timestamp": ts, "signature": sig}})
    print(json.dumps(ws.receive()))
    ws.send({"id": "order-1", "method": "order.place", "params": order})
    ws.sock.settimeout(0.5)
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            print(json.dumps(ws.receive()))
        except socket.timeout:
            pass
    ws.sock.close()
    return 200, {"session": "closed"}


def load(name):
    return json.loads((KEYS / f"{name}.json").read_text())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("cmd")
    p.add_argument("args", nargs="*")
    p.add_argument("--price"); p.add_argument("--qty"); p.add_argument("--quote-qty")
    p.add_argument("--tif"); p.add_argument("--client-order-id", type=int)
    p.add_argument("--external-id", type=int); p.add_argument("--market"); p.add_argument("--open", action="store_true")
    p.add_argument("--seconds", type=float, default=3)
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
    elif c in ("order", "ws"):
        body = {"market": x[1], "side": x[2], "type": x[3]}
        for k, v in (("price", a.price), ("qty", a.qty), ("quoteQty", a.quote_qty), ("timeInForce", a.tif), ("clientOrderId", a.client_order_id)):
            if v is not None: body[k] = v
        out = call("POST", "/api/v1/orders", body, load(x[0])) if c == "order" else ws_session(load(x[0]), body, a.seconds)
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
