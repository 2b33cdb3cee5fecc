// The trading page. Plain JavaScript, no build step, no library: the browser's EventSource for the market
// stream, fetch for REST, WebCrypto's Ed25519 for signing (Chromium 137+, Firefox 129+, Safari 17+). The
// private key is generated or imported here and kept in this browser's localStorage, in the form
// scripts/zkclob.py keeps it ({"accountId", "privateKey": base64 of the 32-byte seed}); it is never sent.
"use strict";

const API = "/api/v1";
const KEY_STORAGE = "zkclob.key";
const BOOK_ROWS = 14;            // levels shown per side
const TRADES_SHOWN = 40;
const BUFFER_MAX = 10_000;       // depth events buffered while a snapshot loads; past that, start over
const BLOCKS_SHOWN = 10;
const CANDLES_SHOWN = 90;
// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): WebCrypto imports private keys only in PKCS#8 or JWK.
const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

const state = {
  markets: [], market: null,
  book: { seq: null, bids: new Map(), asks: new Map(), syncing: false, buffer: [], generation: 0 },
  source: null, trades: [], candles: [], interval: "1m",
  account: null,                 // {id, privateKey: CryptoKey, seed: Uint8Array}
  openOrders: [], privateAbort: null, serverOffsetMs: 0, lastTimestampMs: 0,
};

const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ small helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return e;
}

function b64(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(text) {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "="));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** An integer amount in an asset's smallest units (as the stream sends them) as a decimal string, trailing zeros dropped. */
function units(value, scale) {
  if (value === null || value === undefined) return "";
  let n = BigInt(value);
  const negative = n < 0n;
  if (negative) n = -n;
  const digits = n.toString().padStart(scale + 1, "0");
  let whole = digits.slice(0, digits.length - scale), frac = digits.slice(digits.length - scale).replace(/0+$/, "");
  return (negative ? "-" : "") + whole + (frac ? "." + frac : "");
}

/** A REST amount: a decimal string as /api/v1 writes amounts, or an integer in smallest units where it does not (yet). */
function amount(value, scale) {
  return typeof value === "number" ? units(value, scale) : plain(value);
}

/** A decimal string without trailing zeros ("2900.00" and "2900" read the same in the book). */
function plain(decimal) {
  if (decimal === null || decimal === undefined) return "";
  const s = String(decimal);
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

function showMessage(text, kind) {
  const m = $("message");
  m.textContent = text;
  m.className = "message " + (kind || "");
}

class ApiError extends Error {
  constructor(status, code, detail) {
    super(`${status} ${code || ""}${detail ? ": " + detail : ""}`);
    this.status = status;
    this.code = code;
  }
}

async function answer(response) {
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { detail: text }; }
  if (!response.ok) throw new ApiError(response.status, body && (body.code ?? body.msg), body && (body.detail ?? body.msg));
  return body;
}

async function get(path) {
  return answer(await fetch(path, { headers: { Accept: "application/json" } }));
}

/** A list answer, whether the API sends a bare array or a page object around it. */
function list(answer, ...names) {
  if (Array.isArray(answer)) return answer;
  for (const n of names) if (answer && Array.isArray(answer[n])) return answer[n];
  return [];
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString("en-GB");
}

function debounce(fn, ms) {
  let timer = null;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

// ------------------------------------------------------------------ keys and signing

async function syncClock() {
  try {
    const t = await get(API + "/time").catch(() => get("/api/v3/time"));
    state.serverOffsetMs = t.serverTime - Date.now();
  } catch (e) { state.serverOffsetMs = 0; }
}

/** Strictly increasing: a signature is accepted once, so two requests must never sign the same bytes. */
function nextTimestamp() {
  const ts = Math.max(Date.now() + state.serverOffsetMs, state.lastTimestampMs + 1);
  state.lastTimestampMs = ts;
  return ts;
}

/** The signing scheme of docs/api.md: base64 Ed25519 of timestamp \n METHOD \n path?query \n body. */
async function signedHeaders(method, pathAndQuery, body) {
  const ts = nextTimestamp();
  const message = new TextEncoder().encode(`${ts}\n${method}\n${pathAndQuery}\n${body}`);
  const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", state.account.privateKey, message));
  return { "X-Account-Id": String(state.account.id), "X-Timestamp": String(ts), "X-Signature": b64(signature) };
}

async function signed(method, pathAndQuery, bodyObject) {
  if (!state.account) throw new Error("create or import a key first");
  const body = bodyObject === undefined ? "" : JSON.stringify(bodyObject);
  const headers = await signedHeaders(method, API + pathAndQuery, body);
  headers["Content-Type"] = "application/json";
  headers.Accept = "application/json";
  return answer(await fetch(API + pathAndQuery, { method, headers, body: body || undefined }));
}

async function keyFromSeed(seed) {
  if (seed.length !== 32) throw new Error("privateKey must be the base64 of a 32-byte Ed25519 seed");
  const pkcs8 = new Uint8Array([...PKCS8_ED25519_PREFIX, ...seed]);
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", privateKey); // its "x" is the public key
  return { privateKey, publicKey: unb64(jwk.x) };
}

/** Registering is idempotent: a known public key answers its existing account id. */
async function register(publicKey) {
  const r = await fetch(API + "/accounts", {
    method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ publicKey: b64(publicKey) }),
  });
  return (await answer(r)).accountId;
}

async function useSeed(seed, knownAccountId) {
  const { privateKey, publicKey } = await keyFromSeed(seed);
  const id = await register(publicKey);
  state.account = { id, privateKey, seed };
  localStorage.setItem(KEY_STORAGE, JSON.stringify({ accountId: id, privateKey: b64(seed) }));
  renderAccount();
  connectPrivate();
  refreshPrivate();
  const mismatch = knownAccountId !== undefined && knownAccountId !== null && Number(knownAccountId) !== id;
  if (mismatch) showMessage(`this exchange knows the key as account ${id}, not ${knownAccountId}`, "error");
  return !mismatch;
}

async function createAccount() {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  await useSeed(pkcs8.slice(pkcs8.length - 32));
  showMessage(`account ${state.account.id} registered; the key stays in this browser (Export key to back it up)`, "ok");
}

async function importKey(text) {
  let parsed;
  try { parsed = JSON.parse(text); } catch (e) { parsed = { privateKey: text.trim() }; }
  const matches = await useSeed(unb64(String(parsed.privateKey || "").trim()), parsed.accountId);
  $("import-box").classList.add("hidden");
  $("import-text").value = "";
  if (matches) showMessage(`key imported: account ${state.account.id}`, "ok");
}

function forgetKey() {
  if (state.privateAbort) state.privateAbort.abort();
  state.account = null;
  localStorage.removeItem(KEY_STORAGE);
  $("export-text").classList.add("hidden");
  renderAccount();
  renderPrivate([], [], []);
}

function renderAccount() {
  const has = !!state.account;
  $("account").dataset.accountId = has ? state.account.id : "";
  $("account-line").textContent = has ? `account ${state.account.id}` : "No key in this browser.";
  $("account-line").className = has ? "" : "muted";
  for (const id of ["export-key", "forget-key"]) $(id).classList.toggle("hidden", !has);
  for (const id of ["create-account", "show-import"]) $(id).classList.toggle("hidden", has);
}

// ------------------------------------------------------------------ markets and the live book

async function loadMarkets() {
  const markets = list(await get(API + "/markets"), "markets", "items", "data");
  // Stream amounts are integers in the assets' smallest units; the scales come with /markets where the API
  // has them, else from the Binance-compatible exchangeInfo (its asset precisions are the same scales).
  if (markets.some((m) => m.baseScale === undefined || m.quoteScale === undefined)) {
    const info = await get("/api/v3/exchangeInfo");
    for (const m of markets) {
      const s = info.symbols.find((x) => x.symbol === m.base + m.quote);
      if (s) { m.baseScale ??= s.baseAssetPrecision; m.quoteScale ??= s.quoteAssetPrecision; }
    }
  }
  state.markets = markets;
  const nav = $("markets");
  nav.replaceChildren(...markets.map((m) => el("button", { "data-symbol": m.symbol, onclick: () => selectMarket(m.symbol) }, m.symbol)));
  const wanted = new URLSearchParams(location.search).get("market");
  if (markets.length) selectMarket(markets.some((m) => m.symbol === wanted) ? wanted : markets[0].symbol);
}

function marketById(id) {
  return state.markets.find((m) => m.marketId === id);
}

function selectMarket(symbol) {
  state.market = state.markets.find((m) => m.symbol === symbol);
  for (const b of $("markets").children) b.classList.toggle("active", b.dataset.symbol === symbol);
  $("order-price").placeholder = `price (${state.market.quote}, tick ${state.market.tickSize})`;
  $("order-qty").placeholder = `qty (${state.market.base}, lot ${state.market.lotSize})`;
  if (state.source) state.source.close();
  state.book = { seq: null, bids: new Map(), asks: new Map(), syncing: true, buffer: [], generation: 0 };
  renderBook();
  // The docs/api.md procedure: open the stream and buffer, take the snapshot, drop what it covers, apply the
  // rest checking prevSeq; a gap or a reconnect (EventSource reconnects by itself) starts over.
  const source = new EventSource(`${API}/stream/markets/${encodeURIComponent(symbol)}`);
  state.source = source;
  source.onopen = () => { setStreamStatus(true); resync(); };
  source.onerror = () => setStreamStatus(false);
  source.addEventListener("depth", (e) => onDepth(JSON.parse(e.data)));
  source.addEventListener("trade", (e) => onTrade(JSON.parse(e.data)));
  loadTrades();
  loadCandles();
  loadTicker();
}

function setStreamStatus(live) {
  const s = $("stream-status");
  s.textContent = live ? "live" : "reconnecting…";
  s.classList.toggle("live", live);
}

async function resync() {
  const book = state.book;
  const generation = ++book.generation; // only the latest resync may install its snapshot
  book.syncing = true;
  book.buffer = [];
  const market = state.market;
  try {
    const snap = await get(`${API}/markets/${encodeURIComponent(market.symbol)}/book?levels=200`);
    if (book !== state.book || generation !== book.generation) return;
    book.bids = new Map(snap.bids.map(([p, q]) => [String(p), q]));
    book.asks = new Map(snap.asks.map(([p, q]) => [String(p), q]));
    book.seq = snap.seq;
    book.syncing = false;
    const pending = book.buffer.filter((u) => u.seq > snap.seq);
    book.buffer = [];
    for (const u of pending) if (!applyDepth(u)) return;
    renderBook();
  } catch (e) {
    showMessage("book snapshot failed: " + e.message, "error");
    setTimeout(() => { if (book === state.book && generation === book.generation) resync(); }, 2000);
  }
}

function onDepth(update) {
  const book = state.book;
  if (update.marketId !== state.market.marketId) return;
  if (book.syncing) {
    book.buffer.push(update);
    if (book.buffer.length > BUFFER_MAX) resync();
    return;
  }
  if (update.seq <= book.seq) return;
  if (applyDepth(update)) renderBook();
}

/** Applies one update; on a gap (prevSeq is not the last applied seq) starts over and answers false. */
function applyDepth(update) {
  const book = state.book;
  if (update.prevSeq !== book.seq) { resync(); return false; }
  for (const [side, levels] of [[book.bids, update.bids], [book.asks, update.asks]]) {
    for (const [p, q] of levels) {
      if (Number(q) === 0) side.delete(String(p)); else side.set(String(p), q);
    }
  }
  book.seq = update.seq;
  return true;
}

function renderBook() {
  const m = state.market, book = state.book;
  const byPrice = (a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : BigInt(a[0]) > BigInt(b[0]) ? 1 : 0);
  const asks = [...book.asks.entries()].sort(byPrice).slice(0, BOOK_ROWS);
  const bids = [...book.bids.entries()].sort(byPrice).reverse().slice(0, BOOK_ROWS);
  const mine = new Set(state.openOrders.filter((o) => o.market === m.symbol).map((o) => o.side + ":" + amount(o.price, m.quoteScale)));
  const rows = (levels, side) => {
    let total = 0n;
    return levels.map(([p, q]) => {
      total += BigInt(q);
      const price = units(p, m.quoteScale);
      return el("tr", { "data-price": price, "data-qty": units(q, m.baseScale), class: mine.has(side + ":" + price) ? "mine" : null },
        el("td", {}, price), el("td", {}, units(q, m.baseScale)), el("td", {}, units(total, m.baseScale)));
    });
  };
  $("asks").replaceChildren(...rows(asks, "SELL").reverse());
  $("bids").replaceChildren(...rows(bids, "BUY"));
  const bestBid = bids[0], bestAsk = asks[0];
  $("spread").textContent = bestBid && bestAsk
    ? `spread ${units(BigInt(bestAsk[0]) - BigInt(bestBid[0]), m.quoteScale)} ${m.quote}` : book.syncing ? "loading…" : "—";
  $("book-seq").textContent = book.seq === null ? "" : `seq ${book.seq}`;
}

// ------------------------------------------------------------------ trades, ticker, candles

async function loadTrades() {
  const m = state.market;
  try {
    // The trade tape (docs/api.md) has ids and times; the stream's live trades add to it.
    const rows = await get(`/api/v3/trades?symbol=${m.base}${m.quote}&limit=${TRADES_SHOWN}`);
    if (m !== state.market) return;
    state.trades = rows.reverse().map((t) => ({ price: plain(t.price), qty: plain(t.qty), timeMs: t.time, side: t.isBuyerMaker ? "SELL" : "BUY" }));
  } catch (e) {
    state.trades = [];
  }
  renderTrades();
}

// The trade tape (candles, ticker) follows the event log on its own: read it soon, and once more a little later.
const refreshAfterTrade = debounce(() => { loadCandles(); loadTicker(); setTimeout(() => { loadCandles(); loadTicker(); }, 2500); }, 500);

function onTrade(t) {
  const m = state.market;
  state.trades.unshift({ price: units(t.price, m.quoteScale), qty: units(t.qty, m.baseScale), timeMs: Date.now() + state.serverOffsetMs, side: t.takerSide });
  state.trades.length = Math.min(state.trades.length, TRADES_SHOWN);
  renderTrades();
  refreshAfterTrade();
}

function renderTrades() {
  $("trades").replaceChildren(...state.trades.map((t) => el("tr", {},
    el("td", { class: t.side === "SELL" ? "sell" : "buy" }, t.price), el("td", {}, t.qty),
    el("td", {}, clock(t.timeMs)))));
}

async function loadTicker() {
  const m = state.market;
  try {
    const t = await get(`/api/v3/ticker/24hr?symbol=${m.base}${m.quote}`);
    if (m !== state.market) return;
    const change = Number(t.priceChangePercent);
    $("ticker").replaceChildren(
      el("span", {}, el("b", {}, plain(t.lastPrice)), " ", m.quote),
      el("span", { class: change < 0 ? "sell" : "buy" }, `${change >= 0 ? "+" : ""}${change.toFixed(2)}%`),
      el("span", { class: "muted" }, `24h high ${plain(t.highPrice)} · low ${plain(t.lowPrice)} · vol ${plain(t.volume)} ${m.base}`));
  } catch (e) {
    $("ticker").replaceChildren();
  }
}

/** Candles from /api/v1 where the API serves them, else the Binance-compatible klines (same trade tape). */
async function loadCandles() {
  const m = state.market, interval = state.interval;
  let candles, source;
  try {
    const rows = await get(`${API}/markets/${encodeURIComponent(m.symbol)}/candles?interval=${interval}&limit=${CANDLES_SHOWN}`);
    candles = list(rows, "candles", "items", "data").map((c) => Array.isArray(c) ? fromKline(c) : {
      t: c.openTimeMs ?? c.openTime ?? c.time, o: +c.open, h: +c.high, l: +c.low, c: +c.close, v: +(c.volume ?? c.volumeQty ?? 0),
    });
    source = "/api/v1 candles";
  } catch (e) {
    try {
      candles = (await get(`/api/v3/klines?symbol=${m.base}${m.quote}&interval=${interval}&limit=${CANDLES_SHOWN}`)).map(fromKline);
      source = "/api/v3 klines";
    } catch (e2) {
      candles = [];
      source = "candles unavailable: " + e2.message;
    }
  }
  if (m !== state.market || interval !== state.interval) return;
  state.candles = candles.filter((c) => Number.isFinite(c.o) && Number.isFinite(c.t)).slice(-CANDLES_SHOWN);
  $("chart-source").textContent = source;
  drawChart();
}

function fromKline(k) {
  return { t: Number(k[0]), o: +k[1], h: +k[2], l: +k[3], c: +k[4], v: +k[5] };
}

function drawChart() {
  const canvas = $("chart"), ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 760, height = canvas.clientHeight || 300;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const g = canvas.getContext("2d");
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  g.font = "11px system-ui, sans-serif";
  const candles = state.candles;
  canvas.dataset.candles = candles.length;
  canvas.dataset.close = candles.length ? String(candles[candles.length - 1].c) : "";
  if (!candles.length) {
    g.fillStyle = "#7d8a9a";
    g.fillText("no trades yet in this market", 16, height / 2);
    return;
  }
  const axis = 64, bottom = 20, volumeHeight = 40;
  let lo = Math.min(...candles.map((c) => c.l)), hi = Math.max(...candles.map((c) => c.h));
  if (hi === lo) { hi += Math.max(hi * 0.001, 1e-9); lo -= Math.max(lo * 0.001, 1e-9); }
  const pad = (hi - lo) * 0.08;
  lo -= pad; hi += pad;
  const plotH = height - bottom - volumeHeight;
  const y = (p) => 8 + (plotH - 8) * (hi - p) / (hi - lo);
  const slot = (width - axis) / Math.max(40, candles.length); // a few candles still read as candles
  const x0 = width - axis - candles.length * slot;
  g.strokeStyle = "#253040";
  g.fillStyle = "#7d8a9a";
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const p = lo + (hi - lo) * i / 4, yy = Math.round(y(p)) + 0.5;
    g.beginPath(); g.moveTo(0, yy); g.lineTo(width - axis, yy); g.stroke();
    g.fillText(p.toPrecision(6), width - axis + 4, yy + 4);
  }
  const maxVolume = Math.max(...candles.map((c) => c.v), 1e-12);
  candles.forEach((c, i) => {
    const cx = x0 + i * slot + slot / 2, up = c.c >= c.o;
    g.strokeStyle = g.fillStyle = up ? "#2ebd85" : "#f0616d";
    g.beginPath(); g.moveTo(cx, y(c.h)); g.lineTo(cx, y(c.l)); g.stroke();
    const top = y(Math.max(c.o, c.c)), h = Math.max(1, Math.abs(y(c.o) - y(c.c)));
    g.fillRect(cx - slot * 0.35, top, slot * 0.7, h);
    g.globalAlpha = 0.35;
    const vh = volumeHeight * c.v / maxVolume;
    g.fillRect(cx - slot * 0.35, height - bottom - vh, slot * 0.7, vh);
    g.globalAlpha = 1;
  });
  g.fillStyle = "#7d8a9a";
  const every = Math.max(1, Math.ceil(candles.length / 6));
  candles.forEach((c, i) => {
    if (i % every === 0) g.fillText(clock(c.t).slice(0, 5), Math.min(x0 + i * slot, width - axis - 32), height - 6);
  });
}

// ------------------------------------------------------------------ orders, fills, balances

async function placeOrder(event) {
  event.preventDefault();
  if (!state.account) { showMessage("create or import a key first", "error"); return; }
  const m = state.market;
  const type = $("order-type").value;
  const order = {
    market: m.symbol, side: document.querySelector("input[name=side]:checked").value, type,
    qty: $("order-qty").value.trim(),
    // A positive id unique in the account: a placement retried with it is never placed twice (docs/api.md).
    clientOrderId: Date.now() * 1000 + Math.floor(Math.random() * 1000),
  };
  if (type === "LIMIT") { order.price = $("order-price").value.trim(); order.timeInForce = $("order-tif").value; }
  const button = $("place-order");
  button.disabled = true;
  try {
    let placed = null;
    for (let attempt = 1; attempt <= 3 && !placed; attempt++) { // only 503s are retried, with the same clientOrderId
      try {
        placed = await signed("POST", "/orders", order);
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 503 || attempt === 3) throw e;
      }
    }
    showMessage(`order ${placed.orderId} sequenced: ${order.side} ${order.qty} ${m.base}${order.price ? " @ " + order.price : ""}`, "ok");
    refreshPrivate();
  } catch (e) {
    showMessage("order refused: " + e.message, "error");
  } finally {
    button.disabled = false;
  }
}

async function cancelOrder(orderId) {
  try {
    await signed("DELETE", `/orders/${orderId}`);
    showMessage(`cancel of order ${orderId} sequenced`, "ok");
  } catch (e) {
    showMessage("cancel refused: " + e.message, "error");
  }
}

let refreshing = false, refreshAgain = false;

/** Reads open orders, fills and balances (three signed GETs); one at a time, coalescing requests meanwhile. */
async function refreshPrivate() {
  if (!state.account) return;
  if (refreshing) { refreshAgain = true; return; }
  refreshing = true;
  try {
    const orders = list(await signed("GET", "/orders?open=true"), "orders", "items", "data");
    const fills = list(await signed("GET", "/trades"), "trades", "fills", "items", "data");
    const balances = list(await signed("GET", "/balances"), "balances", "items", "data");
    renderPrivate(orders, fills, balances);
  } catch (e) {
    showMessage("account refresh failed: " + e.message, "error");
  } finally {
    refreshing = false;
    if (refreshAgain) { refreshAgain = false; refreshPrivate(); }
  }
}

function marketScale(order, which) {
  const m = state.markets.find((x) => x.symbol === order.market) || marketById(order.marketId);
  return m ? m[which] : 0;
}

function renderPrivate(orders, fills, balances) {
  state.openOrders = orders;
  $("open-orders-rows").replaceChildren(...orders.map((o) => el("tr", { "data-order-id": o.orderId, "data-price": amount(o.price, marketScale(o, "quoteScale")) },
    el("td", {}, String(o.orderId)), el("td", {}, o.market ?? ""), el("td", { class: o.side === "SELL" ? "sell" : "buy" }, o.side),
    el("td", {}, amount(o.price, marketScale(o, "quoteScale"))), el("td", {}, amount(o.qty, marketScale(o, "baseScale"))),
    el("td", {}, amount(o.filledQty, marketScale(o, "baseScale"))), el("td", {}, o.status),
    el("td", {}, el("button", { onclick: () => cancelOrder(o.orderId), title: "cancel" }, "cancel")))));
  $("fills-rows").replaceChildren(...fills.map((f) => {
    const m = marketById(f.marketId) || state.markets.find((x) => x.symbol === f.market) || { quoteScale: 0, baseScale: 0 };
    return el("tr", {}, el("td", {}, String(f.seq ?? f.tradeId ?? "")), el("td", {}, String(f.orderId)), el("td", {}, m.symbol ?? ""),
      el("td", { class: f.side === "SELL" ? "sell" : "buy" }, f.side), el("td", {}, f.role ?? ""),
      el("td", {}, amount(f.price, m.quoteScale)), el("td", {}, amount(f.qty, m.baseScale)), el("td", {}, `${amount(f.fee, m.quoteScale)} ${f.feeAsset ?? m.quote ?? ""}`));
  }));
  $("balances-rows").replaceChildren(...balances.map((b) => el("tr", { "data-asset": b.asset },
    el("td", {}, b.asset), el("td", { class: "available" }, plain(b.available)), el("td", { class: "locked" }, plain(b.locked)))));
  if (state.market) renderBook(); // marks the levels with one's own orders
}

/**
 * The account's own stream (signed like a GET with an empty body). EventSource cannot send headers, so this
 * reads the SSE body from fetch; each event triggers a refresh of the tables from REST.
 */
async function connectPrivate() {
  if (state.privateAbort) state.privateAbort.abort();
  const abort = new AbortController();
  state.privateAbort = abort;
  let backoffMs = 1000;
  while (!abort.signal.aborted && state.account) {
    try {
      const headers = await signedHeaders("GET", API + "/stream/private", "");
      const response = await fetch(API + "/stream/private", { headers: { ...headers, Accept: "text/event-stream" }, signal: abort.signal });
      if (!response.ok) throw new ApiError(response.status, "stream");
      backoffMs = 1000;
      refreshPrivate(); // anything that happened while disconnected
      await readEvents(response.body, onPrivateEvent);
    } catch (e) {
      if (abort.signal.aborted) return;
    }
    await new Promise((r) => setTimeout(r, backoffMs));
    backoffMs = Math.min(backoffMs * 2, 30_000);
  }
}

async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "", name = "message", data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl).replace(/\r$/, "");
      buffered = buffered.slice(nl + 1);
      if (line === "") { if (data.length) onEvent(name, data.join("\n")); name = "message"; data = []; }
      else if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
  }
}

const refreshSoon = debounce(refreshPrivate, 150);

function onPrivateEvent(name, data) {
  if (name === "heartbeat") return;
  try {
    const e = JSON.parse(data);
    if (e.type === "OrderRejected") showMessage(`order ${e.orderId ?? e.seq} rejected: ${e.code ?? e.reason ?? ""}`, "error");
  } catch (ignored) { /* refresh anyway */ }
  refreshSoon();
}

// ------------------------------------------------------------------ explorer

// A proven block stays proven: asked once. Bounded to the last few hundred heights.
const provenBlocks = new Map();

function rememberProven(p) {
  if (p && p.status === "PROVEN") {
    provenBlocks.set(p.height, p);
    if (provenBlocks.size > 500) provenBlocks.delete(provenBlocks.keys().next().value);
  }
  return p;
}

async function loadBlocks() {
  let latest;
  try {
    latest = await get(API + "/blocks/latest");
  } catch (e) {
    $("blocks").replaceChildren(el("tr", {}, el("td", { colspan: 7, class: "muted" }, e.status === 404 ? "no block sealed yet" : e.message)));
    return;
  }
  const from = Math.max(0, latest.height - BLOCKS_SHOWN + 1);
  const blocks = list(await get(`${API}/blocks?from=${from}&to=${latest.height}`), "blocks", "items", "data").reverse();
  const proofs = await Promise.all(blocks.map((b) => provenBlocks.get(b.height)
    ?? get(`${API}/proofs/blocks/${b.height}`).then(rememberProven).catch(() => null)));
  $("blocks").replaceChildren(...blocks.map((b, i) => {
    const p = proofs[i], status = p ? p.status : "SEALED";
    const proof = p && p.proofId != null
      ? el("a", { href: `${API}/proofs/${p.proofId}/download`, download: `proof-${p.proofId}.bin` }, `proof #${p.proofId}`)
      : el("span", { class: "muted" }, "—");
    return el("tr", { "data-height": b.height },
      el("td", {}, String(b.height)), el("td", {}, String(b.commandCount)), el("td", {}, `${b.firstSeq}–${b.lastSeq}`),
      el("td", {}, b.timestampMs ? clock(b.timestampMs) : ""),
      el("td", { title: b.stateRoot }, el("code", {}, (b.stateRoot || "").slice(0, 16) + "…")),
      el("td", { class: "status status-" + status, title: p && p.detail ? p.detail : "" }, status), el("td", {}, proof));
  }));
  try {
    const s = await get(API + "/proofs/status");
    const counts = ["SEALED", "EXECUTED", "PROVING", "PROVEN", "FAILED"].filter((k) => s["blocks" + k]).map((k) => `${s["blocks" + k]} ${k.toLowerCase()}`);
    $("proving-status").textContent = [`proving lag ${s.blocks ?? "?"} blocks`, ...counts].join(" · ") + (s.divergence ? " · DIVERGENCE" : "");
  } catch (e) {
    $("proving-status").textContent = "";
  }
}

// ------------------------------------------------------------------ start

async function start() {
  if (!window.crypto || !crypto.subtle) {
    showMessage("WebCrypto needs a secure context: open this page over HTTPS or on localhost", "error");
  }
  $("create-account").onclick = () => createAccount().catch((e) => showMessage("registration failed: " + e.message, "error"));
  $("show-import").onclick = () => $("import-box").classList.toggle("hidden");
  $("import-key").onclick = () => importKey($("import-text").value).catch((e) => showMessage("import failed: " + e.message, "error"));
  $("export-key").onclick = () => {
    const t = $("export-text");
    t.value = JSON.stringify({ accountId: state.account.id, privateKey: b64(state.account.seed) });
    t.classList.toggle("hidden");
  };
  $("forget-key").onclick = forgetKey;
  $("order-form").onsubmit = placeOrder;
  for (const r of document.querySelectorAll("input[name=side]")) {
    r.onchange = () => $("place-order").classList.toggle("sell", r.value === "SELL" && r.checked);
  }
  $("order-type").onchange = () => {
    const limit = $("order-type").value === "LIMIT";
    $("order-price").disabled = !limit;
    $("order-tif").disabled = !limit;
  };
  $("interval").onchange = () => { state.interval = $("interval").value; loadCandles(); };
  for (const tab of document.querySelectorAll(".tab")) {
    tab.onclick = () => {
      for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t === tab);
      for (const b of document.querySelectorAll(".tab-body")) b.classList.toggle("hidden", b.id !== tab.dataset.tab);
    };
  }
  window.addEventListener("resize", debounce(drawChart, 100));
  renderAccount();
  await syncClock();
  const saved = localStorage.getItem(KEY_STORAGE);
  if (saved) useSeed(unb64(JSON.parse(saved).privateKey), JSON.parse(saved).accountId).catch((e) => showMessage("stored key: " + e.message, "error"));
  try {
    await loadMarkets();
  } catch (e) {
    showMessage("markets unavailable: " + e.message, "error");
  }
  loadBlocks().catch(() => {});
  setInterval(() => loadBlocks().catch(() => {}), 5000);
  setInterval(refreshPrivate, 15_000);   // a safety net behind the private stream
  setInterval(loadCandles, 30_000);
  setInterval(syncClock, 300_000);
  document.body.dataset.ready = "true";
}

start();
