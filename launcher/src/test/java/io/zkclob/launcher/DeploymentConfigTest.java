package io.zkclob.launcher;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine or cluster here: the compose file and the kustomize manifests are parsed and checked
 * against the code (ports, probe paths, images, environment, the single matcher, secrets by reference, topics).
 */
class DeploymentConfigTest {
    static final List<String> SERVICES = List.of("gateway-service", "order-service", "matching-service", "ledger-service",
            "block-service", "prover-service");
    static final Path ROOT = Path.of(System.getProperty("zkclob.repoRoot", ".."));

    /** server.port=${X_PORT:NNNN} from the service's own properties file. */
    static int port(String service) throws IOException {
        String props = Files.readString(ROOT.resolve(service + "/src/main/resources/" + service + ".properties"));
        Matcher m = Pattern.compile("server\\.port=\\$\\{(\\w+)_PORT:(\\d+)}").matcher(props);
        assertTrue(m.find(), service + " declares server.port=${X_PORT:default}");
        return Integer.parseInt(m.group(2));
    }

    static String portVar(String service) throws IOException {
        String props = Files.readString(ROOT.resolve(service + "/src/main/resources/" + service + ".properties"));
        Matcher m = Pattern.compile("server\\.port=\\$\\{(\\w+_PORT):").matcher(props);
        assertTrue(m.find());
        return m.group(1);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeAgreesWithTheCode() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        Map<String, Object> services = map(compose.get("services"));
        for (String infra : List.of("kafka", "postgres", "prometheus", "grafana")) assertTrue(services.containsKey(infra), infra);
        String prometheus = Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        for (String name : SERVICES) {
            Map<String, Object> s = map(services.get(name));
            assertNotNull(s, name + " in docker-compose.yml");
            int port = port(name);
            assertEquals("zkclob/" + name + ":0.1.0", s.get("image"), name);
            Map<String, Object> env = map(s.get("environment"));
            assertEquals(String.valueOf(port), String.valueOf(env.get(portVar(name))), name + " port");
            assertEquals("kafka:9092", env.get("KAFKA_BOOTSTRAP"), name + " kafka");
            List<String> health = (List<String>) map(s.get("healthcheck")).get("test");
            assertTrue(health.get(1).contains("http://localhost:" + port + "/actuator/health/readiness"), name + " healthcheck");
            assertNotNull(s.get("mem_limit"), name + " memory limit");
            // A service with a management port (the gateway's actuator is not on its public port) is scraped there.
            Object management = env.get(portVar(name).replace("_PORT", "_MANAGEMENT_PORT"));
            int metricsPort = management == null ? port : Integer.parseInt(String.valueOf(management));
            assertTrue(prometheus.contains(name + ":" + metricsPort), name + " scraped by Prometheus");
            // Every service shares the one token (required: compose refuses to start without it) and listens on
            // the compose network, not only its loopback default.
            assertTrue(String.valueOf(env.get("SERVICE_TOKEN")).startsWith("${SERVICE_TOKEN:?"), name + " requires SERVICE_TOKEN");
            if (!name.equals("gateway-service")) assertEquals("0.0.0.0", env.get("SERVICE_ADDRESS"), name);
        }
        assertTrue(Files.exists(ROOT.resolve("deploy/grafana/dashboards/zkclob.json")));
    }

    @Test
    void kubernetesManifestsAgreeWithTheCode() throws IOException {
        String kustomization = Files.readString(ROOT.resolve("k8s/base/kustomization.yaml"));
        for (String name : SERVICES) {
            assertTrue(kustomization.contains("- " + name + ".yaml"), name + " in kustomization");
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Object d : new Yaml().loadAll(Files.readString(ROOT.resolve("k8s/base/" + name + ".yaml")))) docs.add(map(d));
            Map<String, Object> deployment = docs.stream().filter(d -> "Deployment".equals(d.get("kind"))).findFirst().orElseThrow();
            Map<String, Object> service = docs.stream().filter(d -> "Service".equals(d.get("kind"))).findFirst().orElseThrow();
            Map<String, Object> container = map(((List<?>) map(map(map(deployment.get("spec")).get("template")).get("spec")).get("containers")).get(0));
            int port = port(name);
            assertEquals("zkclob/" + name + ":0.1.0", container.get("image"));
            assertEquals(port, map(((List<?>) container.get("ports")).get(0)).get("containerPort"), name);
            assertEquals("/actuator/health/readiness", map(map(container.get("readinessProbe")).get("httpGet")).get("path"));
            assertEquals("/actuator/health/liveness", map(map(container.get("livenessProbe")).get("httpGet")).get("path"));
            assertNotNull(map(container.get("resources")).get("limits"));
            assertEquals(port, map(((List<?>) map(service.get("spec")).get("ports")).get(0)).get("port"));
            assertTrue(String.valueOf(container.get("env")).contains("{name=SERVICE_TOKEN, valueFrom={secretKeyRef={name=zkclob-secrets, key=service-token}}}"),
                    name + " takes the service token from the secret");
            if (name.equals("matching-service")) {
                assertEquals(1, map(deployment.get("spec")).get("replicas"), "the matcher is a single replica");
            }
        }
        assertTrue(Files.readString(ROOT.resolve("k8s/base/configmap.yaml")).contains("SERVICE_ADDRESS: 0.0.0.0"));
        for (Path f : Files.list(ROOT.resolve("k8s/base")).toList()) {
            assertFalse(Files.readString(f).contains("kind: Secret"), f + " inlines a Secret; reference it instead");
        }
    }

    @Test
    void onlyTheGatewayIsPublicAndOnlyItReachesTheInternalEndpoints() throws IOException {
        assertTrue(Files.readString(ROOT.resolve("k8s/base/kustomization.yaml")).contains("- network-policy.yaml"));
        Map<String, Map<String, Object>> policies = new java.util.HashMap<>();
        for (Object d : new Yaml().loadAll(Files.readString(ROOT.resolve("k8s/base/network-policy.yaml")))) {
            policies.put((String) map(map(d).get("metadata")).get("name"), map(map(d).get("spec")));
        }
        assertEquals(Map.of(), map(policies.get("default-deny-ingress").get("podSelector")), "every pod denies ingress by default");
        assertNull(policies.get("default-deny-ingress").get("ingress"));
        String internal = String.valueOf(policies.get("internal-from-gateway"));
        for (String name : SERVICES) {
            if (name.equals("gateway-service") || name.equals("matching-service")) {
                assertFalse(internal.contains(name + ","), name);
            } else {
                assertTrue(internal.contains(name), name + " admits the gateway");
            }
        }
        assertTrue(internal.contains("{app=gateway-service}"), internal);
        assertEquals(port("gateway-service"), map(((List<?>) map(((List<?>) policies.get("gateway-public").get("ingress")).get(0))
                .get("ports")).get(0)).get("port"), "the gateway's public port");
    }

    /** The services other than the gateway listen on loopback unless a deployment says otherwise (issue 11, item 10). */
    @Test
    void theServicesListenOnLoopbackByDefault() throws IOException {
        for (String name : SERVICES) {
            String props = Files.readString(ROOT.resolve(name + "/src/main/resources/" + name + ".properties"));
            assertEquals(!name.equals("gateway-service"), props.contains("\nserver.address=${SERVICE_ADDRESS:127.0.0.1}\n"), name);
        }
    }

    @Test
    void everyTopicIsDocumented() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/topics.md"));
        for (String topic : List.of(Topics.COMMANDS, Topics.EVENTS, Topics.TRADES, Topics.BLOCKS, Topics.PROOFS)) {
            assertTrue(doc.contains("`" + topic + "`"), topic + " in docs/topics.md");
        }
    }
}
