#!/usr/bin/env python3
"""zkclob: a command-line client for the exchange's REST API; it signs requests as docs/api.md describes.

  zkclob keys [NAME]                                   # local keys in ~/.zkclob (ZKCLOB_HOME): accountId, publicKey
  zkclob register alice                                # new Ed25519 key in ~/.zkclob/alice.json, registers it
  zkclob deposit alice USDT 10000 --external-id 1      # operator credit (ZKCLOB_OPERATOR_KEY, embedded default)
  zkclob order alice ETH-USDT BUY LIMIT --price 3000 --qty 0.5 [--tif GTC] [--client-order-id 7]
  zkclob cancel alice ORDER_ID | cancel-all alice [--market ETH-USDT]
  zkclob balances alice | orders alice [--open] | order-status alice ORDER_ID | trades alice [--market M]
  zkclob withdraw alice USDT 100
  zkclob markets | depth ETH-USDT (alias: book) | ticker ETH-USDT | candles ETH-USDT --interval 1m [--limit 10]
  zkclob blocks [--limit 10] | block HEIGHT|latest
  zkclob proofs status | proofs block HEIGHT | proof ID | proof download ID FILE | verify FILE
  zkclob ws alice ETH-USDT BUY LIMIT --price 3000 --qty 0.5 [--seconds 3]
      # over the WebSocket API (/api/v1/ws on ZKCLOB_WS_URL): logs on, places the order, prints every message for a few seconds

Output: "STATUS BODY" (the HTTP status, then the JSON body on one line); with --json only the JSON body.
Exit status 0 for a 2xx answer (for verify: the proof verified), 1 otherwise, 2 when the exchange cannot be reached.
Environment: ZKCLOB_URL (default http://127.0.0.1:8080), ZKCLOB_WS_URL (the WebSocket order entry: default
ws://127.0.0.1:8081/api/v1/ws, the gateway's own event loop; with ZKCLOB_URL set and no ZKCLOB_WS_URL, /api/v1/ws on
ZKCLOB_URL's port, the same protocol), ZKCLOB_HOME (default ~/.zkclob), ZKCLOB_OPERATOR_KEY,
ZK_TARGET_DIR (default ~/.cache/clob/zk-target), ZK_PROVER and ZK_GUEST_ELF (the prover CLI and guest ELF of verify).
Install: pip install ./clients/zkclob (or pipx install ./clients/zkclob); needs 'cryptography'.
"""
import argparse, base64, json, os, socket, struct, subprocess, sys, time, urllib.error, urllib.parse, urllib.request
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

URL = os.environ.get("ZKCLOB_URL", "http://127.0.0.1:8080")
# Both gateway ports serve the same WebSocket protocol; the gateway's own event loop (8081) is the cheaper one.
WS_URL = os.environ.get("ZKCLOB_WS_URL") or (URL.replace("http", "ws", 1) + "/api/v1/ws" if "ZKCLOB_URL" in os.environ
                                             else "ws://127.0.0.1:8081/api/v1/ws")
OPERATOR_KEY = os.environ.get("ZKCLOB_OPERATOR_KEY", "dev-operator-key")
KEYS = Path(os.environ.get("ZKCLOB_HOME", Path.home() / ".zkclob"))
# A request that hangs longer than this is a stuck server, not a slow answer (a proof download is a few MB).
TIMEOUT_S = 60


def request(method, path, body=None, account=None, headers=None):
    """Sends one request, signed as `account` when given; answers (status, raw body bytes)."""
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
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        # No answer from the exchange at all: say so in one line rather than with a traceback.
        print(f"zkclob: cannot reach {URL}: {getattr(e, 'reason', e)}", file=sys.stderr)
        sys.exit(2)


def call(method, path, body=None, account=None, headers=None):
    status, raw = request(method, path, body, account, headers)
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        # Not JSON (a proxy's error page): still shown, as a JSON string.
        return status, raw.decode(errors="replace")


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
    ws = WebSocket(WS_URL)
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
    path = KEYS / f"{name}.json"
    if not path.is_file():
        print(f"zkclob: no key {name} in {KEYS} (zkclob register {name} makes one; zkclob keys lists them)", file=sys.stderr)
        sys.exit(1)
    return json.loads(path.read_text())


def public_key(account):
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(account["privateKey"]))
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def query(**params):
    """?k=v&… of the parameters given (None left out), in the order given."""
    q = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    return "?" + q if q else ""


def keys(name):
    """The local keys (never their private halves): what the exchange knows them by."""
    if name:
        a = load(name)
        return 200, {"name": name, "accountId": a["accountId"], "publicKey": public_key(a), "file": str(KEYS / f"{name}.json")}
    found = []
    # A bound: a key directory is a handful of files; a huge one is not ours to walk.
    for path in sorted(KEYS.glob("*.json"))[:10_000] if KEYS.is_dir() else []:
        try:
            a = json.loads(path.read_text())
            found.append({"name": path.stem, "accountId": a["accountId"], "publicKey": public_key(a)})
        except (ValueError, KeyError, TypeError):
            found.append({"name": path.stem, "error": "not a zkclob key file"})
    return 200, found


def register(name):
    path = KEYS / f"{name}.json"
    KEYS.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    priv = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    status, r = call("POST", "/api/v1/accounts", {"publicKey": base64.b64encode(pub).decode()})
    if status in (200, 201):
        if path.exists():
            # Registering a name again (on a fresh exchange) keeps the old key: it may be the only copy of a funded one.
            kept = path.with_name(f"{name}.json.old-{int(time.time() * 1000)}")
            path.rename(kept)
            print(f"zkclob: the previous {name} key is kept as {kept}", file=sys.stderr)
        path.touch(mode=0o600)
        path.write_text(json.dumps({"accountId": r["accountId"], "privateKey": base64.b64encode(priv).decode()}))
    return status, r


def download_proof(proof_id, file):
    status, raw = request("GET", f"/api/v1/proofs/{proof_id}/download")
    if not 200 <= status < 300:
        try:
            return status, json.loads(raw or b"null")
        except ValueError:
            return status, raw.decode(errors="replace")
    Path(file).write_bytes(raw)
    return status, {"proofId": proof_id, "file": str(file), "bytes": len(raw)}


def verify(file, prover, elf):
    """Runs the prover CLI as scripts/verify-chain does; its last stdout line is {"verified": …, "public_values": …}."""
    for what, path in (("prover CLI", prover), ("guest ELF", elf)):
        if not Path(path).is_file():
            return 1, {"verified": False, "error": f"no {what} at {path} (docs/zk.md says how to build it; "
                                                    "ZK_PROVER / ZK_GUEST_ELF point elsewhere)"}
    out = subprocess.run([prover, "verify", "--elf", elf, str(file)], capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1]) if lines else {"verified": False, "error": out.stderr.strip()[-2000:]}
    except ValueError:
        result = {"verified": False, "error": lines[-1]}
    return (0 if result.get("verified") else 1), result


def parser():
    # --json is accepted before or after the command; SUPPRESS keeps the subcommand's default from hiding the other.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print only the JSON body (for scripts)")
    p = argparse.ArgumentParser(prog="zkclob", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                parents=[common])
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND", required=True)

    def cmd(name, help, *positional, aliases=()):
        s = sub.add_parser(name, help=help, description=help, parents=[common], aliases=list(aliases))
        for a in positional:
            s.add_argument(a)
        s.set_defaults(cmd=name)
        return s

    s = cmd("keys", "list the local keys (ZKCLOB_HOME, default ~/.zkclob) with their account ids and public keys, or show one")
    s.add_argument("name", nargs="?")
    cmd("register", "make a new Ed25519 key NAME and register it (POST /accounts)", "name")
    s = cmd("deposit", "credit NAME with AMOUNT of ASSET (operator: POST /admin/deposits)", "name", "asset", "amount")
    s.add_argument("--external-id", type=int, help="the bridge's id; the same id credits once (default: now in ms)")
    for name, help in (("order", "place an order (POST /orders)"),
                       ("ws", "place an order over the WebSocket API and print what arrives")):
        s = cmd(name, help, "name", "market", "side", "type")
        s.add_argument("--price"); s.add_argument("--qty"); s.add_argument("--quote-qty")
        s.add_argument("--tif", help="GTC, IOC, FOK, POST_ONLY"); s.add_argument("--client-order-id", type=int)
        if name == "ws":
            s.add_argument("--seconds", type=float, default=3)
    cmd("cancel", "cancel one order (DELETE /orders/{id})", "name", "order_id")
    s = cmd("cancel-all", "cancel all your orders, or those in one market", "name")
    s.add_argument("--market")
    cmd("balances", "your balances", "name")
    s = cmd("orders", "your orders, newest first", "name")
    s.add_argument("--open", action="store_true"); s.add_argument("--limit", type=int)
    cmd("order-status", "one order's status", "name", "order_id", aliases=("status",))
    s = cmd("trades", "your fills, oldest first", "name")
    s.add_argument("--market"); s.add_argument("--limit", type=int)
    cmd("withdraw", "withdraw AMOUNT of ASSET from available funds", "name", "asset", "amount")
    cmd("markets", "markets and their rules")
    s = cmd("depth", "a market's aggregated book", "market", aliases=("book",))
    s.add_argument("--levels", type=int)
    cmd("ticker", "a market's 24 h ticker", "market")
    s = cmd("candles", "a market's OHLCV candles, oldest first", "market")
    s.add_argument("--interval", default="1m", help="1m, 5m, 15m, 1h, 4h, 1d (default 1m)")
    s.add_argument("--limit", type=int); s.add_argument("--start-time-ms", type=int); s.add_argument("--end-time-ms", type=int)
    s = cmd("blocks", "block headers in height order (the latest LIMIT, or from..to)")
    s.add_argument("--limit", type=int); s.add_argument("--from", dest="from_height", type=int)
    s.add_argument("--to", dest="to_height", type=int)
    s = cmd("block", "one block header; with --commands or --trades its commands or trades", "height")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--commands", action="store_true"); g.add_argument("--trades", action="store_true")
    s = cmd("proofs", "proving status, a block's proof status, the verifying key or the guest's hash")
    s.add_argument("what", choices=("status", "block", "vkey", "guest"))
    s.add_argument("height", nargs="?", help="for 'proofs block HEIGHT'")
    s = cmd("proof", "a proof's span and public values (proof ID), or download it (proof download ID FILE)")
    s.add_argument("args", nargs="+", metavar="ID | download ID FILE")
    cache = os.environ.get("ZK_TARGET_DIR", os.path.expanduser("~/.cache/clob/zk-target"))
    s = cmd("verify", "verify a downloaded proof file with the prover CLI against the guest ELF (docs/zk.md)", "file")
    s.add_argument("--prover", default=os.environ.get("ZK_PROVER", os.path.join(cache, "release", "zk-prover")))
    s.add_argument("--elf", default=os.environ.get("ZK_GUEST_ELF", os.path.join(cache, "bin", "clob-guest.elf")))
    return p


def run(a, p):
    c = a.cmd
    if c == "keys":
        return keys(a.name)
    if c == "register":
        return register(a.name)
    if c == "deposit":
        return call("POST", "/api/v1/admin/deposits", {"accountId": load(a.name)["accountId"], "asset": a.asset,
                    "amount": a.amount, "externalId": a.external_id or int(time.time() * 1000)},
                    headers={"X-Operator-Key": OPERATOR_KEY})
    if c in ("order", "ws"):
        body = {"market": a.market, "side": a.side, "type": a.type}
        for k, v in (("price", a.price), ("qty", a.qty), ("quoteQty", a.quote_qty), ("timeInForce", a.tif),
                     ("clientOrderId", a.client_order_id)):
            if v is not None: body[k] = v
        return call("POST", "/api/v1/orders", body, load(a.name)) if c == "order" else ws_session(load(a.name), body, a.seconds)
    if c == "cancel":
        return call("DELETE", f"/api/v1/orders/{a.order_id}", None, load(a.name))
    if c == "cancel-all":
        return call("DELETE", "/api/v1/orders" + query(market=a.market), None, load(a.name))
    if c == "balances":
        return call("GET", "/api/v1/balances", None, load(a.name))
    if c == "orders":
        return call("GET", "/api/v1/orders" + query(open="true" if a.open else None, limit=a.limit), None, load(a.name))
    if c == "order-status":
        return call("GET", f"/api/v1/orders/{a.order_id}", None, load(a.name))
    if c == "trades":
        return call("GET", "/api/v1/trades" + query(market=a.market, limit=a.limit), None, load(a.name))
    if c == "withdraw":
        return call("POST", "/api/v1/withdrawals", {"asset": a.asset, "amount": a.amount}, load(a.name))
    if c == "markets":
        return call("GET", "/api/v1/markets")
    if c == "depth":
        return call("GET", f"/api/v1/markets/{a.market}/depth" + query(levels=a.levels))
    if c == "ticker":
        return call("GET", f"/api/v1/markets/{a.market}/ticker")
    if c == "candles":
        return call("GET", f"/api/v1/markets/{a.market}/candles" + query(
            interval=a.interval, limit=a.limit, startTimeMs=a.start_time_ms, endTimeMs=a.end_time_ms))
    if c == "blocks":
        return call("GET", "/api/v1/blocks" + query(**{"from": a.from_height, "to": a.to_height, "limit": a.limit}))
    if c == "block":
        tail = "/commands" if a.commands else "/trades" if a.trades else ""
        return call("GET", f"/api/v1/blocks/{a.height}{tail}")
    if c == "proofs":
        if a.what == "block":
            if a.height is None:
                p.error("proofs block HEIGHT")
            return call("GET", f"/api/v1/proofs/blocks/{a.height}")
        return call("GET", f"/api/v1/proofs/{a.what}")
    if c == "proof":
        x = a.args
        if len(x) == 1 and x[0] != "download":
            return call("GET", f"/api/v1/proofs/{x[0]}")
        if len(x) == 3 and x[0] == "download":
            return download_proof(x[1], x[2])
        p.error("proof ID | proof download ID FILE")
    if c == "verify":
        code, result = verify(a.file, a.prover, a.elf)
        # The prover's answer is not an HTTP one: 200 when it verified, 422 (the proof is refused) when not.
        return (200 if code == 0 else 422), result
    p.error(f"unknown command {c}")


def main():
    p = parser()
    a = p.parse_args()
    status, body = run(a, p)
    if getattr(a, "json", False):
        print(json.dumps(body, indent=None))
    else:
        print(status, json.dumps(body, indent=None))
    sys.exit(0 if 200 <= status < 300 else 1)


if __name__ == "__main__":
    main()
