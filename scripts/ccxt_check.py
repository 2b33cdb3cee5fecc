#!/usr/bin/env python3
"""ccxt's unmodified `binance` class against this exchange's Binance-compatible API (docs/api.md).

Registers two accounts (Ed25519, /api/v1), credits them through the operator endpoint, creates an HMAC API key
for each through the signed /api/v1/apiKeys request, then drives ccxt: loadMarkets, fetchTime, fetchOrderBook,
fetchTrades, fetchTicker, fetchOHLCV, fetchBalance, createOrder (limit GTC/IOC/FOK, market, limit-maker),
cancelOrder, fetchOrder, fetchOpenOrders, fetchMyTrades, cancelAllOrders, ccxt pro's watchOrderBook and
watchTrades over the WebSocket streams, and the error mapping (insufficient
funds, a limit-maker that would take, a bad signature, a revoked key). Prints one line per check and a closing
'N passed, N failed' line; exits 1 when any check failed.
Usage: ccxt_check.py BASE_URL   (scripts/ccxt-check makes the virtual environment with ccxt and runs this)
"""
import asyncio, base64, json, os, sys, time, traceback, urllib.error, urllib.request

import ccxt
import ccxt.pro
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8080"
OPERATOR_KEY = os.environ.get("ZKCLOB_OPERATOR_KEY", "dev-operator-key")
SYMBOL = "ETH/USDT"
results = []


def call(method, path, body=None, account=None, headers=None):
    """Our own /api/v1, signed with the account's Ed25519 key (docs/api.md)."""
    data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    h = {"Content-Type": "application/json", **(headers or {})}
    if account:
        ts = str(int(time.time() * 1000))
        sig = account["key"].sign(f"{ts}\n{method}\n{path}\n".encode() + data)
        h.update({"X-Account-Id": str(account["accountId"]), "X-Timestamp": ts, "X-Signature": base64.b64encode(sig).decode()})
    req = urllib.request.Request(BASE + path, data=data if method in ("POST", "PUT") else None, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def wait_for(what, predicate, timeout_s=30):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def new_trader(external_id_base):
    key = Ed25519PrivateKey.generate()
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    status, r = call("POST", "/api/v1/accounts", {"publicKey": base64.b64encode(pub).decode()})
    assert status in (200, 201), (status, r)
    trader = {"key": key, "accountId": r["accountId"]}
    for i, (asset, amount) in enumerate([("USDT", "100000"), ("ETH", "10")]):
        status, r = call("POST", "/api/v1/admin/deposits", {"accountId": trader["accountId"], "asset": asset, "amount": amount,
                                                           "externalId": external_id_base + i}, headers={"X-Operator-Key": OPERATOR_KEY})
        assert status == 202, (status, r)

    def funded():
        status, balances = call("GET", "/api/v1/balances", account=trader)
        return status == 200 and {b["asset"] for b in balances if b["available"] != "0"} >= {"USDT", "ETH"}
    wait_for("the deposits", funded)
    status, created = call("POST", "/api/v1/apiKeys", {"label": "ccxt", "permissions": ["READ", "TRADE"]}, account=trader)
    assert status == 201, (status, created)
    trader.update(apiKey=created["apiKey"], secret=created["secret"])
    return trader


def config(api_key, secret):
    return {
        "apiKey": api_key, "secret": secret, "enableRateLimit": False,
        "urls": {"api": {"public": BASE + "/api/v3", "private": BASE + "/api/v3", "v1": BASE + "/api/v1",
                         "ws": {"spot": BASE.replace("http", "ws", 1) + "/ws"}}},
        "options": {"fetchMarkets": {"types": ["spot"]}, "fetchCurrencies": False, "fetchMargins": False,
                    "adjustForTimeDifference": False, "fetchOpenOrders": {"warnWithoutSymbol": False}, "recvWindow": 5000},
    }


def exchange(api_key, secret):
    return ccxt.binance(config(api_key, secret))


async def until_book(pro, wanted, timeout_s=15):
    """Watches the book until its asks satisfy `wanted` (each update the stream delivers is applied by ccxt)."""
    deadline = time.time() + timeout_s
    book = pro.orderbooks[SYMBOL]
    while not wanted(book["asks"]):
        assert time.time() < deadline, f"the local book never showed it: asks {book['asks'][:5]}"
        book = await asyncio.wait_for(pro.watch_order_book(SYMBOL), max(0.1, deadline - time.time()))


async def watch_book_and_trades(b, a):
    """ccxt pro: the book (REST snapshot + depthUpdate stream) follows a new order; a trade arrives on the trade stream."""
    pro = ccxt.pro.binance(config(None, None))
    try:
        await pro.load_markets()
        book = await asyncio.wait_for(pro.watch_order_book(SYMBOL), 15)
        first_nonce = book["nonce"]
        b.create_order(SYMBOL, "limit", "sell", 0.7, 3100)
        await until_book(pro, lambda asks: [3100.0, 0.7] in asks)
        book = pro.orderbooks[SYMBOL]
        book_line = f"book nonce {first_nonce} -> {book['nonce']}, asks {book['asks'][:2]}"
        watching = asyncio.ensure_future(pro.watch_trades(SYMBOL))
        await asyncio.sleep(1.0)  # the SUBSCRIBE is answered before the trade happens
        a.create_order(SYMBOL, "market", "buy", 0.2)
        trades = await asyncio.wait_for(watching, 15)
        assert trades and trades[-1]["price"] == 3100 and trades[-1]["amount"] == 0.2, trades
        await until_book(pro, lambda asks: [3100.0, 0.5] in asks)
        rest = a.fetch_order_book(SYMBOL)
        local = pro.orderbooks[SYMBOL]
        assert local["asks"][:5] == rest["asks"][:5] and local["bids"][:5] == rest["bids"][:5], (local["asks"][:5], rest["asks"][:5])
        return (f"{book_line}; trade {trades[-1]['amount']} at {trades[-1]['price']} id {trades[-1]['id']};"
                f" local book after: {local['asks'][:1]} = REST's")
    finally:
        await pro.close()


def check(name, fn):
    try:
        detail = fn()
        results.append((name, True, detail))
        print(f"PASS {name}: {detail}", flush=True)
    except Exception as e:  # a check that fails says why and the others still run
        results.append((name, False, repr(e)))
        print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        traceback.print_exc(limit=3)


def expect_error(error_class, fn):
    try:
        fn()
    except error_class as e:
        return f"{error_class.__name__}: {str(e)[:120]}"
    raise AssertionError(f"expected {error_class.__name__}")


def main():
    print(f"ccxt {ccxt.__version__} against {BASE}", flush=True)
    ts = int(time.time() * 1000) % 1_000_000_000 * 10
    alice = new_trader(ts)
    bob = new_trader(ts + 5)
    a = exchange(alice["apiKey"], alice["secret"])
    b = exchange(bob["apiKey"], bob["secret"])
    state = {}

    def load_markets():
        markets = a.load_markets()
        m = markets[SYMBOL]
        assert m["id"] == "ETHUSDT" and m["active"], m
        b.load_markets()
        return f"{len(markets)} markets; {SYMBOL} tick {m['precision']['price']} step {m['precision']['amount']} min cost {m['limits']['cost']['min']}"
    check("loadMarkets", load_markets)

    def fetch_time():
        t = a.fetch_time()
        assert abs(t - time.time() * 1000) < 10_000, t
        return t
    check("fetchTime", fetch_time)

    def maker_sell():
        o = b.create_order(SYMBOL, "limit", "sell", 0.5, 3000)
        assert o["status"] == "open" and o["type"] == "limit" and o["timeInForce"] == "GTC", o
        state["ask"] = o["id"]
        return f"id {o['id']} {o['status']}"
    check("createOrder limit GTC (resting sell)", maker_sell)

    def order_book():
        book = a.fetch_order_book(SYMBOL)
        assert [3000.0, 0.5] in book["asks"], book
        return f"asks {book['asks'][:2]} bids {book['bids'][:2]} nonce {book['nonce']}"
    check("fetchOrderBook", order_book)

    def market_buy():
        o = a.create_order(SYMBOL, "market", "buy", 0.1)
        assert o["status"] == "closed" and o["filled"] == 0.1 and o["average"] == 3000, o
        return f"id {o['id']} filled {o['filled']} at {o['average']} cost {o['cost']} fee {o['fee']}"
    check("createOrder market", market_buy)

    def fok_fill():
        o = a.create_order(SYMBOL, "limit", "buy", 0.1, 3000, {"timeInForce": "FOK"})
        assert o["status"] == "closed" and o["filled"] == 0.1, o
        return f"id {o['id']} {o['status']} filled {o['filled']}"
    check("createOrder limit FOK (fills)", fok_fill)

    def fok_kill():
        o = a.create_order(SYMBOL, "limit", "buy", 5, 3000, {"timeInForce": "FOK"})
        assert o["status"] in ("expired", "canceled") and o["filled"] == 0, o
        return f"id {o['id']} {o['status']} (0.3 on the book, 5 asked)"
    check("createOrder limit FOK (unfillable)", fok_kill)

    def ioc():
        o = a.create_order(SYMBOL, "limit", "buy", 0.5, 3000, {"timeInForce": "IOC"})
        assert o["status"] in ("expired", "canceled") and abs(o["filled"] - 0.3) < 1e-9, o
        return f"id {o['id']} {o['status']} filled {o['filled']} of 0.5"
    check("createOrder limit IOC (partial, remainder expires)", ioc)

    # Trades, ticker, candles and balances are read models fed by the event log a poll behind the fills (up to
    # READ_MODEL_FETCH_WAIT_MS, 100 ms): each read waits for what the orders above did.
    def trades():
        t = wait_for("the three trades", lambda: (lambda t: t if len(t) >= 3 else None)(a.fetch_trades(SYMBOL)), 10)
        assert t[-1]["price"] == 3000 and t[-1]["timestamp"] > 0, t
        return f"{len(t)} trades, last {t[-1]['amount']} at {t[-1]['price']} ({t[-1]['datetime']}) side {t[-1]['side']}"
    check("fetchTrades", trades)

    def ticker():
        t = wait_for("the trades' volume in the ticker",
                     lambda: (lambda t: t if t["baseVolume"] >= 0.5 else None)(a.fetch_ticker(SYMBOL)), 10)
        assert t["last"] == 3000, t
        return f"last {t['last']} high {t['high']} low {t['low']} volume {t['baseVolume']} quoteVolume {t['quoteVolume']}"
    check("fetchTicker", ticker)

    def ohlcv():
        candles = wait_for("candles with the trades' volume", lambda: (lambda c: c if c and sum(x[5] for x in c) >= 0.5 else None)(
            a.fetch_ohlcv(SYMBOL, "1m", limit=10)), 10)
        assert candles[-1][4] == 3000, candles
        return f"{len(candles)} candle(s), last {candles[-1]}"
    check("fetchOHLCV", ohlcv)

    def balance():
        # (a read right after the trades saw 10.2 of the 10.5 ETH once, in session 18's CI)
        seen = {}

        def filled():
            b = a.fetch_balance()
            seen["ETH"] = b["ETH"]
            return b if abs(b["ETH"]["total"] - 10.5) < 1e-9 else None
        try:
            bal = wait_for("the three buys' 0.5 ETH in the balance", filled, 10)
        except AssertionError as e:
            raise AssertionError(f"{e}; last seen {seen.get('ETH')}") from None
        return f"ETH {bal['ETH']} USDT {bal['USDT']}"
    check("fetchBalance", balance)

    def resting_buy():
        o = a.create_order(SYMBOL, "limit", "buy", 0.2, 2000)
        assert o["status"] == "open", o
        state["bid"] = o["id"]
        state["bidClient"] = o["clientOrderId"]
        return f"id {o['id']} clientOrderId {o['clientOrderId']}"
    check("createOrder limit GTC (resting buy)", resting_buy)

    def limit_maker():
        o = a.create_order(SYMBOL, "limit", "buy", 0.1, 2100, {"postOnly": True})
        assert o["status"] == "open" and o["postOnly"], o
        state["maker"] = o["id"]
        return f"id {o['id']} type {o['info']['type']} postOnly {o['postOnly']}"
    check("createOrder limit-maker", limit_maker)

    check("createOrder limit-maker that would take -> OrderImmediatelyFillable", lambda: expect_error(
        ccxt.OrderImmediatelyFillable, lambda: b.create_order(SYMBOL, "limit", "sell", 0.1, 2000, {"postOnly": True})))
    check("createOrder beyond balance -> InsufficientFunds", lambda: expect_error(
        ccxt.InsufficientFunds, lambda: a.create_order(SYMBOL, "limit", "buy", 1000, 2000)))
    # ccxt rounds prices to the tick itself; its raw endpoint method sends an off-tick price as given.
    check("order off the tick (raw privatePostOrder) -> InvalidOrder", lambda: expect_error(
        ccxt.InvalidOrder, lambda: a.privatePostOrder({"symbol": "ETHUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                                                        "quantity": "0.1", "price": "2000.001"})))

    def fetch_order():
        o = a.fetch_order(state["bid"], SYMBOL)
        assert o["status"] == "open" and o["price"] == 2000 and o["clientOrderId"] == state["bidClient"], o
        by_client = a.fetch_order(None, SYMBOL, {"origClientOrderId": state["bidClient"]})
        assert by_client["id"] == state["bid"], by_client
        return f"id {o['id']} {o['status']} {o['amount']} at {o['price']} (also by clientOrderId)"
    check("fetchOrder", fetch_order)

    check("fetchOrder unknown -> OrderNotFound", lambda: expect_error(ccxt.OrderNotFound, lambda: a.fetch_order("999999999", SYMBOL)))

    def open_orders():
        orders = a.fetch_open_orders(SYMBOL)
        ids = {o["id"] for o in orders}
        assert {state["bid"], state["maker"]} <= ids, ids
        return f"{len(orders)} open: {sorted(ids)}"
    check("fetchOpenOrders", open_orders)

    def cancel():
        o = a.cancel_order(state["bid"], SYMBOL)
        assert o["status"] == "canceled", o
        return f"id {o['id']} {o['status']}"
    check("cancelOrder", cancel)

    check("cancelOrder again -> OrderNotFound", lambda: expect_error(ccxt.OrderNotFound, lambda: a.cancel_order(state["bid"], SYMBOL)))

    def my_trades():
        t = a.fetch_my_trades(SYMBOL)
        assert len(t) >= 3 and all(x["side"] == "buy" and x["takerOrMaker"] == "taker" for x in t), t
        assert t[0]["fee"]["currency"] == "USDT" and t[0]["fee"]["cost"] > 0, t[0]
        return f"{len(t)} trades, first {t[0]['amount']} at {t[0]['price']} fee {t[0]['fee']}"
    check("fetchMyTrades", my_trades)

    def cancel_all():
        canceled = a.cancel_all_orders(SYMBOL)
        assert [o["id"] for o in canceled] == [state["maker"]] and canceled[0]["status"] == "canceled", canceled
        assert a.fetch_open_orders(SYMBOL) == []
        return f"canceled {[o['id'] for o in canceled]}; none open"
    check("cancelAllOrders", cancel_all)

    check("watchOrderBook + watchTrades (ccxt pro, WebSocket)", lambda: asyncio.run(watch_book_and_trades(b, a)))

    check("wrong secret -> AuthenticationError", lambda: expect_error(
        ccxt.AuthenticationError, lambda: exchange(alice["apiKey"], "x" * 64).fetch_balance()))

    def revoked():
        status, r = call("DELETE", "/api/v1/apiKeys/" + alice["apiKey"], account=alice)
        assert status == 200 and r["active"] is False, (status, r)
        # A fresh client, as a bot restarting with the key would be: ccxt itself reads -2015 from a client that has
        # already authenticated as Binance's temporary ban (DDoSProtection), which this check shows too.
        fresh = expect_error(ccxt.AuthenticationError, lambda: exchange(alice["apiKey"], alice["secret"]).fetch_balance())
        expect_error(ccxt.DDoSProtection, lambda: a.fetch_balance())
        return fresh + " (the client that had authenticated: DDoSProtection, ccxt's reading of -2015)"
    check("revoked key -> AuthenticationError", revoked)

    passed = sum(1 for r in results if r[1])
    failed = len(results) - passed
    print(f"ccxt-check: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
