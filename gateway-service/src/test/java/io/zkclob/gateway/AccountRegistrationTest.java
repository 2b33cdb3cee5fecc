package io.zkclob.gateway;

import static io.zkclob.gateway.GatewayEdgeTest.json;
import static io.zkclob.gateway.GatewayEdgeTest.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.zkclob.support.ProblemHandler;
import io.zkclob.support.ProjectionStores;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * Registration against the gateway's real schema (embedded PostgreSQL, its migrations): once the account id
 * sequence has handed out the engine's last id (2^24 - 1, V4_1), the next registration is refused with a stable
 * 4xx instead of failing in the database as a 5xx that tells the client to retry.
 */
class AccountRegistrationTest {
    @RegisterExtension
    static final ProjectionStores stores = ProjectionStores.postgresOnly("db/migration/gateway");

    /** A fresh Ed25519 public key, raw and base64 (the last 32 bytes of its X.509 encoding). */
    private static String newKey() throws Exception {
        byte[] der = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(der, der.length - 32, der.length));
    }

    @Test
    void theAccountAfterTheEnginesLastIdIsRefusedWithAStable409() throws Exception {
        String first = newKey();
        String second = newKey();
        JdbcClient jdbc = stores.jdbc();
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new TradingApi(new GatewayEdgeTest.Accounts(), new GatewayEdgeTest.FakeBackends(),
                        new CommandLog(new MockProducer<>(true, null, new StringSerializer(), new StringSerializer())), jdbc,
                        new FundsView(() -> 0), new OrderVerdicts()))
                .setControllerAdvice(new ProblemHandler()).build();
        jdbc.sql("SELECT setval('account_ids', ?)").param(AdminApi.MAX_ACCOUNT_ID - 1).query(Long.class).single();

        MockHttpServletResponse last = mvc.perform(json(post("/api/v1/accounts"), "{\"publicKey\":\"" + first + "\"}")).andReturn().getResponse();
        assertEquals(201, last.getStatus(), last.getContentAsString(StandardCharsets.UTF_8));
        assertEquals("{\"accountId\":" + AdminApi.MAX_ACCOUNT_ID + "}", last.getContentAsString(StandardCharsets.UTF_8));

        for (int attempt = 0; attempt < 2; attempt++) {
            refused(409, "ACCOUNTS_EXHAUSTED", mvc.perform(json(post("/api/v1/accounts"), "{\"publicKey\":\"" + second + "\"}"))
                    .andReturn().getResponse());
        }
        // A key registered before the end still answers its account.
        MockHttpServletResponse again = mvc.perform(json(post("/api/v1/accounts"), "{\"publicKey\":\"" + first + "\"}")).andReturn().getResponse();
        assertEquals(200, again.getStatus());
        assertEquals(1L, jdbc.sql("SELECT count(*) FROM accounts").query(Long.class).single());
    }
}
