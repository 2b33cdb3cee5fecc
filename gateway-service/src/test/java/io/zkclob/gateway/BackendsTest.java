package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.zkclob.support.ApiException;
import io.zkclob.support.ServiceToken;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The market cache in front of order-service (found by scripts/chaos: order entry stopped while order-service restarted). */
class BackendsTest {
    static final String MARKETS = "[{\"marketId\":1,\"symbol\":\"ETH-USDT\",\"baseAssetId\":1,\"base\":\"ETH\",\"baseScale\":8,"
            + "\"quoteAssetId\":2,\"quote\":\"USDT\",\"quoteScale\":6,\"tickSize\":10000,\"lotSize\":10000,\"minNotional\":1000000,"
            + "\"makerFeePpm\":1000,\"takerFeePpm\":2000,\"status\":\"ACTIVE\"}]";

    static final ServiceToken TOKEN = new ServiceToken("backends-test-service-token-0123456789");

    static final String ASSETS = "[{\"assetId\":1,\"symbol\":\"ETH\",\"scale\":8},{\"assetId\":2,\"symbol\":\"USDT\",\"scale\":6}]";

    static HttpServer orderService() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        for (String[] route : new String[][] {{"/internal/markets", MARKETS}, {"/internal/assets", ASSETS}}) {
            server.createContext(route[0], x -> {
                byte[] body = (TOKEN.value().equals(x.getRequestHeaders().getFirst(ServiceToken.HEADER)) ? route[1] : "[]")
                        .getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().add("Content-Type", "application/json");
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
                x.close();
            });
        }
        server.start();
        return server;
    }

    static Backends backends(int port, AtomicLong clockMs) {
        String url = "http://127.0.0.1:" + port;
        return new Backends(new GatewayProperties(url, url, url, url, "key", 30_000), TOKEN, clockMs::get, Runnable::run);
    }

    @Test
    void theMarketsStayKnownWhileOrderServiceIsDown() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        HttpServer server = orderService();
        Backends backends = backends(server.getAddress().getPort(), clock);
        assertEquals(1, backends.market("ETH-USDT").marketId());

        server.stop(0); // order-service restarts
        clock.addAndGet(5_000); // past the cache's second: a refresh is due, and fails
        assertEquals(1, backends.market("ETH-USDT").marketId(), "order entry goes on with the markets it knows");
        assertEquals(1, backends.markets().size());
    }

    /** Found by scripts/chaos with withdrawals in its load: every withdrawal answered 503 while order-service restarted. */
    @Test
    void theAssetsStayKnownWhileOrderServiceIsDown() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        HttpServer server = orderService();
        Backends backends = backends(server.getAddress().getPort(), clock);
        assertEquals(2, backends.assets().size());

        server.stop(0); // order-service restarts
        clock.addAndGet(5_000); // a refresh is due, and fails
        assertEquals("USDT", backends.assets().get(1).get("symbol"), "withdrawals go on with the assets the gateway knows");
        assertEquals(6, ((Number) backends.asset("USDT").orElseThrow().get("scale")).intValue());
        assertTrue(backends.asset("BTC").isEmpty(), "an unknown asset stays unknown; the failed refresh is no 5xx");
    }

    @Test
    void withNoAssetKnownAnUnreachableOrderServiceIsReportedAsUnavailable() throws Exception {
        HttpServer server = orderService();
        int port = server.getAddress().getPort();
        server.stop(0);
        ApiException e = assertThrows(ApiException.class, () -> backends(port, new AtomicLong()).assets());
        assertEquals("BACKEND_UNAVAILABLE", e.code());
    }

    @Test
    void withNoMarketKnownAnUnreachableOrderServiceIsReportedAsUnavailable() throws Exception {
        HttpServer server = orderService();
        int port = server.getAddress().getPort();
        server.stop(0);
        ApiException e = assertThrows(ApiException.class, () -> backends(port, new AtomicLong()).markets());
        assertEquals("BACKEND_UNAVAILABLE", e.code());
    }
}
