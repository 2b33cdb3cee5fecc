package io.zkclob.gateway;

import io.zkclob.contracts.json.MessageJson;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import tools.jackson.databind.JsonNode;

/**
 * Binance's market-data WebSocket streams, enough for ccxt pro's {@code watchOrderBook} and {@code watchTrades}:
 * {@code /ws} (raw payloads) and {@code /stream} (combined: {@code {"stream", "data"}}), streams named in the path
 * ({@code /ws/ethusdt@trade}, {@code /stream?streams=a/b}) or by {@code SUBSCRIBE} / {@code UNSUBSCRIBE} /
 * {@code LIST_SUBSCRIPTIONS} requests. Streams: {@code <symbol>@depth} (also {@code @depth@100ms}): the live
 * book's changes ({@link MarketStream}), {@code U} = the previous change's seq + 1 and {@code u} = this change's
 * seq, so consecutive events satisfy Binance's {@code U == previous u + 1} and the REST depth's
 * {@code lastUpdateId} places a snapshot among them; {@code <symbol>@trade}: the trade tape's trades, the same ids
 * and times as {@code GET /api/v3/trades}.
 *
 * <p>Each connection has a bounded send queue drained by its own virtual thread; a client that falls
 * {@link #MAX_QUEUED} messages behind is disconnected (Binance drops slow consumers too), so a slow reader never
 * holds up the feed.
 */
final class BinanceStreams implements MarketStream.DepthListener {
    private static final Logger log = LoggerFactory.getLogger(BinanceStreams.class);
    static final int MAX_QUEUED = 10_000;
    static final int MAX_STREAMS_PER_CONNECTION = 200;
    static final int MAX_CONNECTIONS = 1_000;
    static final int TRADES_PER_POLL = 1_000;
    private final BinanceMarkets markets;
    private final TradeTape tape;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** The last trade id pushed per market; trades after it go out at the next poll. */
    private final Map<Integer, Long> tradeCursor = new ConcurrentHashMap<>();

    BinanceStreams(BinanceMarkets markets, TradeTape tape) {
        this.markets = markets;
        this.tape = tape;
    }

    /** One client connection: its streams and its send queue. */
    final class Connection extends Endpoint {
        private final boolean combined;
        private final Set<String> streams = ConcurrentHashMap.newKeySet();
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
        private volatile Session session;

        Connection(boolean combined) {
            this.combined = combined;
        }

        @Override
        public void onOpen(Session s, EndpointConfig config) {
            session = s;
            if (connections.size() >= MAX_CONNECTIONS) {
                close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too many connections"));
                return;
            }
            connections.add(this);
            String path = s.getPathParameters().get("streams");
            if (path != null) subscribe(List.of(path.split("/")));
            List<String> query = s.getRequestParameterMap().get("streams");
            if (query != null) for (String q : query) subscribe(List.of(q.split("/")));
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::onRequest);
            Thread.ofVirtual().name("binance-ws-writer").start(this::drain);
        }

        @Override
        public void onClose(Session s, CloseReason reason) {
            connections.remove(this);
        }

        @Override
        public void onError(Session s, Throwable error) {
            connections.remove(this);
        }

        private void onRequest(String text) {
            JsonNode request;
            try {
                request = MessageJson.MAPPER.readTree(text);
            } catch (RuntimeException e) {
                enqueue("{\"code\":2,\"msg\":\"Invalid JSON\"}");
                return;
            }
            JsonNode id = request.path("id");
            String method = request.path("method").asString("");
            List<String> params = new ArrayList<>();
            request.path("params").forEach(p -> params.add(p.asString("")));
            String idJson = id.isMissingNode() || id.isNull() ? "null" : id.toString();
            switch (method) {
                case "SUBSCRIBE" -> {
                    if (!subscribe(params)) {
                        enqueue("{\"code\":2,\"msg\":\"Invalid request: unknown stream or more than " + MAX_STREAMS_PER_CONNECTION
                                + " streams\",\"id\":" + idJson + "}");
                        return;
                    }
                    enqueue("{\"result\":null,\"id\":" + idJson + "}");
                }
                case "UNSUBSCRIBE" -> {
                    params.forEach(streams::remove);
                    enqueue("{\"result\":null,\"id\":" + idJson + "}");
                }
                case "LIST_SUBSCRIPTIONS" -> enqueue("{\"result\":" + MessageJson.write(List.copyOf(streams)) + ",\"id\":" + idJson + "}");
                default -> enqueue("{\"code\":2,\"msg\":\"Invalid request: unknown method\",\"id\":" + idJson + "}");
            }
        }

        /** Adds the streams if every one names a market and a kind we serve. */
        private boolean subscribe(List<String> names) {
            List<String> valid = new ArrayList<>();
            for (String n : names) {
                Parsed p = parse(n);
                if (p == null) return false;
                valid.add(n);
                if (p.kind().equals("trade")) tradeCursor.computeIfAbsent(p.market().marketId(), k -> tape.lastTradeId(k));
            }
            if (streams.size() + valid.size() > MAX_STREAMS_PER_CONNECTION) return false;
            streams.addAll(valid);
            return true;
        }

        void publish(String stream, String payload) {
            if (streams.contains(stream)) enqueue(combined ? "{\"stream\":\"" + stream + "\",\"data\":" + payload + "}" : payload);
        }

        private void enqueue(String message) {
            if (!queue.offer(message)) {
                connections.remove(this);
                close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "the client reads too slowly"));
            }
        }

        private void drain() {
            try {
                while (session.isOpen()) {
                    String next = queue.poll(1, TimeUnit.SECONDS);
                    if (next != null) session.getBasicRemote().sendText(next);
                }
            } catch (IOException | IllegalStateException e) {
                connections.remove(this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void close(CloseReason reason) {
            try {
                session.close(reason);
            } catch (IOException e) {
                log.debug("closing a Binance stream connection", e);
            }
        }
    }

    record Parsed(Backends.Market market, String kind) {}

    /** {@code ethusdt@depth}, {@code ethusdt@depth@100ms}, {@code ethusdt@trade}; null for anything else. */
    Parsed parse(String stream) {
        String[] parts = stream.split("@");
        if (parts.length < 2 || parts.length > 3) return null;
        Backends.Market m = markets.all().stream().filter(x -> BinanceMarkets.symbol(x).toLowerCase(java.util.Locale.ROOT).equals(parts[0]))
                .findFirst().orElse(null);
        if (m == null) return null;
        boolean depth = parts[1].equals("depth") && (parts.length == 2 || parts[2].equals("100ms") || parts[2].equals("1000ms"));
        boolean trade = parts[1].equals("trade") && parts.length == 2;
        return depth ? new Parsed(m, "depth") : trade ? new Parsed(m, "trade") : null;
    }

    Connection connect(boolean combined) {
        return new Connection(combined);
    }

    @Override
    public void onDepth(int marketId, long seq, long prevSeq, List<long[]> bids, List<long[]> asks) {
        if (connections.isEmpty()) return;
        Backends.Market m;
        try {
            m = markets.byId(marketId);
        } catch (RuntimeException e) {
            return; // a market the gateway has not listed yet has no subscribers either
        }
        String symbol = BinanceMarkets.symbol(m);
        Map<String, Object> event = new java.util.LinkedHashMap<>();
        event.put("e", "depthUpdate");
        event.put("E", System.currentTimeMillis());
        event.put("s", symbol);
        event.put("U", prevSeq + 1);
        event.put("u", seq);
        event.put("b", bids.stream().map(l -> List.of(BinanceMarkets.price(m, l[0]), BinanceMarkets.qty(m, l[1]))).toList());
        event.put("a", asks.stream().map(l -> List.of(BinanceMarkets.price(m, l[0]), BinanceMarkets.qty(m, l[1]))).toList());
        String payload = MessageJson.write(event);
        String base = symbol.toLowerCase(java.util.Locale.ROOT) + "@depth";
        for (Connection c : connections) {
            c.publish(base, payload);
            c.publish(base + "@100ms", payload);
            c.publish(base + "@1000ms", payload);
        }
    }

    /** New trades of the tape, for the markets someone watches. */
    @Scheduled(fixedDelay = 100)
    void pushTrades() {
        if (connections.isEmpty()) return;
        for (var cursor : tradeCursor.entrySet()) {
            Backends.Market m = markets.byId(cursor.getKey());
            List<TradeTape.Trade> fresh = tape.after(m.marketId(), cursor.getValue(), TRADES_PER_POLL);
            if (fresh.isEmpty()) continue;
            String stream = BinanceMarkets.symbol(m).toLowerCase(java.util.Locale.ROOT) + "@trade";
            for (TradeTape.Trade t : fresh) {
                Map<String, Object> event = new java.util.LinkedHashMap<>();
                event.put("e", "trade");
                event.put("E", System.currentTimeMillis());
                event.put("s", BinanceMarkets.symbol(m));
                event.put("t", t.tradeId());
                event.put("p", BinanceMarkets.price(m, t.price()));
                event.put("q", BinanceMarkets.qty(m, t.qty()));
                event.put("T", t.timeMs());
                event.put("m", "SELL".equals(t.takerSide()));
                event.put("M", true);
                String payload = MessageJson.write(event);
                for (Connection c : connections) c.publish(stream, payload);
            }
            cursor.setValue(fresh.getLast().tradeId());
        }
    }

    int connectionCount() {
        return connections.size();
    }
}
