package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;

/**
 * Issue 11 #8: requests Tomcat refuses before any servlet runs (a malformed path, oversized headers) were answered
 * with Tomcat's HTML error page. A real embedded Tomcat, configured as the gateway configures it.
 */
class ProblemReportValveTest {
    static WebServer server;

    @BeforeAll
    static void start() {
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
        GatewayApp.problemErrorReports().customize(factory);
        server = factory.getWebServer(context -> context.addServlet("ok", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("ok");
            }
        }).addMapping("/"));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.getPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
        }
    }

    static void problem(String response) {
        assertTrue(response.startsWith("HTTP/1.1 4"), response);
        assertTrue(response.toLowerCase().contains("content-type: application/problem+json"), response);
        assertTrue(response.contains("\"code\":\""), response);
        assertFalse(response.toLowerCase().contains("<html"), response);
    }

    @Test
    void aWellFormedRequestStillReachesTheServlet() throws IOException {
        assertTrue(raw("GET /fine HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").endsWith("ok"));
    }

    @Test
    void aMalformedPathIsAnsweredWithProblemDetails() throws IOException {
        problem(raw("GET /orders/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        problem(raw("GET /orders/a%2Fb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void oversizedHeadersAreAnsweredWithProblemDetails() throws IOException {
        problem(raw("GET /fine HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void anUnknownHttpVersionIsA400NotA505RetryLater() throws IOException {
        String r = raw("GET /fine HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n");
        problem(r);
        assertTrue(r.contains("\"code\":\"MALFORMED_REQUEST\""), r);
    }
}
