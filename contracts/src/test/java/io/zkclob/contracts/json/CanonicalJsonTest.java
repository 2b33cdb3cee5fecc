package io.zkclob.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.contracts.CancelReason;
import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fast path must be invisible: for every message it writes what Jackson writes, for the canonical form it
 * reads what Jackson reads, and for any other input it ends exactly as Jackson does (the same record, or the
 * same exception with the same message). Seeded, so a failure repeats; the seed is in the message.
 */
class CanonicalJsonTest {
    private static final long SEED = 20261127L;
    private static final int RANDOM_RECORDS = 3_000;
    private static final int MUTATIONS_PER_RECORD = 12;
    private static final Set<String> COMMAND_TYPES = Arrays.stream(Command.class.getPermittedSubclasses())
            .map(Class::getSimpleName).collect(Collectors.toSet());
    private static final Set<String> HOT_TYPES = Set.of("PlaceOrder", "CancelOrder", "CancelAll", "SealBlock",
            "OrderAccepted", "OrderRejected", "TradeExecuted", "OrderCanceled", "CancelRejected", "BlockSealed");

    @Test
    void everyVectorMessageIsWrittenAndReadAsJacksonDoes() throws IOException {
        int hot = 0;
        int lines = 0;
        for (Path file : vectorFiles()) {
            for (String raw : Files.readAllLines(file)) {
                String line = raw.endsWith(",") ? raw.substring(0, raw.length() - 1) : raw;
                if (!line.startsWith("{\"type\":\"")) continue;
                lines++;
                String type = line.substring(9, line.indexOf('"', 9));
                boolean command = COMMAND_TYPES.contains(type);
                Object jackson = command ? MessageJson.MAPPER.readValue(line, Command.class)
                        : MessageJson.MAPPER.readValue(line, Event.class);
                Object fast = command ? MessageJson.readCommand(line) : MessageJson.readEvent(line);
                assertEquals(jackson, fast, file + ": " + line);
                assertEquals(line, MessageJson.write(fast), file.toString());
                assertEquals(MessageJson.MAPPER.writeValueAsString(jackson), MessageJson.write(jackson), file.toString());
                if (HOT_TYPES.contains(type)) {
                    hot++;
                    Object direct = command ? CanonicalJson.readCommand(line) : CanonicalJson.readEvent(line);
                    assertEquals(jackson, direct, "the fast reader took the canonical form: " + line);
                    byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
                    Object fromBytes = command ? CanonicalJson.readCommand(utf8) : CanonicalJson.readEvent(utf8);
                    assertEquals(jackson, fromBytes, "the fast reader took the canonical bytes: " + line);
                    assertEquals(line, CanonicalJson.write(jackson), "the fast writer wrote it: " + line);
                }
            }
        }
        assertTrue(lines > 1_000, "the vectors were found: " + lines);
        assertTrue(hot > 1_000, "the hot types were exercised: " + hot);
    }

    @Test
    void randomRecordsWithEdgeValuesAreWrittenAndReadAsJacksonDoes() {
        Random rnd = new Random(SEED);
        int taken = 0;
        for (int n = 0; n < RANDOM_RECORDS; n++) {
            Object message = randomHot(rnd);
            String jackson = MessageJson.MAPPER.writeValueAsString(message);
            String fast = CanonicalJson.write(message);
            assertNotNull(fast, "a hot type is written by the fast path: " + message);
            assertEquals(jackson, fast, "seed " + SEED + " record " + n);
            boolean command = message instanceof Command;
            assertSameOutcome(jackson, command, "seed " + SEED + " record " + n);
            Object direct = command ? CanonicalJson.readCommand(jackson) : CanonicalJson.readEvent(jackson);
            byte[] utf8 = jackson.getBytes(StandardCharsets.UTF_8);
            Object fromBytes = command ? CanonicalJson.readCommand(utf8) : CanonicalJson.readEvent(utf8);
            // the fast reader leaves escaped strings to Jackson; it takes everything else it writes
            boolean left = message instanceof Event.BlockSealed b && !plain(b);
            if (left) {
                assertNull(direct, jackson);
                // a lone surrogate becomes '?' in UTF-8, which is plain: then the bytes are read as Jackson reads them
                if (fromBytes != null) assertEquals(MessageJson.MAPPER.readValue(utf8, Event.class), fromBytes, jackson);
            } else {
                taken++;
                assertEquals(message, direct, "the fast reader took its own output: " + jackson);
                assertEquals(message, fromBytes, "the fast reader took its own output's bytes: " + jackson);
            }
        }
        assertTrue(taken > RANDOM_RECORDS / 2, "most records went the fast way: " + taken);
    }

    @Test
    void nonCanonicalInputsEndAsJacksonEnds() {
        Random rnd = new Random(SEED + 1);
        for (int n = 0; n < RANDOM_RECORDS; n++) {
            Object message = randomHot(rnd);
            String canonical = MessageJson.MAPPER.writeValueAsString(message);
            boolean command = message instanceof Command;
            for (int m = 0; m < MUTATIONS_PER_RECORD; m++) {
                String mutated = mutate(canonical, rnd);
                assertSameOutcome(mutated, command, "seed " + SEED + " record " + n + " mutation " + m);
                // the wrong family: a command's text read as an event, and the reverse
                assertSameOutcome(mutated, !command, "seed " + SEED + " record " + n + " mutation " + m);
            }
        }
    }

    @Test
    void handWrittenEdgeCasesEndAsJacksonEnds() {
        String place = "{\"type\":\"PlaceOrder\",\"seq\":1,\"timestampMs\":2,\"accountId\":3,\"marketId\":4,"
                + "\"clientOrderId\":5,\"side\":\"BUY\",\"orderType\":\"LIMIT\",\"tif\":\"GTC\",\"price\":6,"
                + "\"qty\":7,\"quoteQty\":8}";
        List<String> cases = List.of(
                place,
                place.replace("\"seq\":1", "\"seq\":9223372036854775807"),
                place.replace("\"seq\":1", "\"seq\":9223372036854775808"),
                place.replace("\"seq\":1", "\"seq\":-9223372036854775808"),
                place.replace("\"seq\":1", "\"seq\":-9223372036854775809"),
                place.replace("\"seq\":1", "\"seq\":99999999999999999999"),
                place.replace("\"seq\":1", "\"seq\":-0"),
                place.replace("\"seq\":1", "\"seq\":01"),
                place.replace("\"seq\":1", "\"seq\":1.0"),
                place.replace("\"seq\":1", "\"seq\":1e3"),
                place.replace("\"seq\":1", "\"seq\":\"1\""),
                place.replace("\"seq\":1", "\"seq\":null"),
                place.replace("\"seq\":1", "\"seq\":-"),
                place.replace("\"seq\":1", "\"seq\":+1"),
                place.replace("\"marketId\":4", "\"marketId\":2147483647"),
                place.replace("\"marketId\":4", "\"marketId\":2147483648"),
                place.replace("\"marketId\":4", "\"marketId\":-2147483649"),
                place.replace("\"BUY\"", "\"buy\""),
                place.replace("\"BUY\"", "\"BUYER\""),
                place.replace("\"BUY\"", "0"),
                place.replace("\"BUY\"", "null"),
                place.replace("\"BUY\"", "nul"),
                place.replace("\"BUY\"", "nullx"),
                place.replace("\"BUY\"", "NULL"),
                place.replace("\"BUY\"", "\"B\\u0055Y\""),
                place.replace("\"GTC\"", "\"POST_ONLY\""),
                place.replace("{\"type\":\"PlaceOrder\",", "{ \"type\":\"PlaceOrder\","),
                place.replace("{\"type\":\"PlaceOrder\",\"seq\":1,", "{\"seq\":1,\"type\":\"PlaceOrder\","),
                place.replace("\"PlaceOrder\"", "\"Place\\u004Frder\""),
                place.replace("\"PlaceOrder\"", "\"OrderAccepted\""),
                place.replace("\"PlaceOrder\"", "\"Nope\""),
                place.replace(",\"quoteQty\":8}", "}"),
                place.replace(",\"quoteQty\":8}", ",\"quoteQty\":8,\"extra\":1}"),
                place.replace(",\"quoteQty\":8}", ",\"quoteQty\":8,\"quoteQty\":9}"),
                place + " ",
                place + "{}",
                place + "x",
                place.substring(0, place.length() - 1),
                "",
                "null",
                "{}",
                "{\"type\":\"",
                "{\"type\":\"SealBlock\"",
                "{\"type\":\"SealBlock\",\"seq\":1,\"timestampMs\":2}",
                "{\"type\":\"SealBlock\",\"seq\":1,\"timestampMs\":2,}",
                "{\"type\":\"SealBlock\",\"seq\":1,\"timestampMs\":}",
                "{\"type\":\"BlockSealed\",\"seq\":1,\"height\":2,\"firstSeq\":3,\"lastSeq\":4,\"timestampMs\":5,"
                        + "\"commandCount\":6,\"eventCount\":7,\"stateRoot\":\"ab\",\"commandsRoot\":null,"
                        + "\"eventsRoot\":\"a\\\"b\\\\c\\n\\u0001\\u00e9\"}",
                "{\"type\":\"BlockSealed\",\"seq\":1,\"height\":2,\"firstSeq\":3,\"lastSeq\":4,\"timestampMs\":5,"
                        + "\"commandCount\":6,\"eventCount\":7,\"stateRoot\":\"a\u0001b\",\"commandsRoot\":\"\","
                        + "\"eventsRoot\":\"\u00e9\"}",
                "{\"type\":\"BlockSealed\",\"seq\":1,\"height\":2,\"firstSeq\":3,\"lastSeq\":4,\"timestampMs\":5,"
                        + "\"commandCount\":6,\"eventCount\":7,\"stateRoot\":\"ab\",\"commandsRoot\":\"\","
                        + "\"eventsRoot\":\"unterminated}");
        for (String c : cases) {
            assertSameOutcome(c, true, c);
            assertSameOutcome(c, false, c);
        }
    }

    @Test
    void otherObjectsKeepJacksonsForm() {
        for (Object o : List.<Object>of("a\"b", 12L, List.of(1, 2), new Command.Deposit(1, 2, 3, 4, 5, 6),
                new Event.AssetAdded(1, 2, "ETH", 8), new Event.AdminRejected(1, RejectCode.MALFORMED))) {
            assertEquals(MessageJson.MAPPER.writeValueAsString(o), MessageJson.write(o));
        }
        assertNull(CanonicalJson.write(new Command.Deposit(1, 2, 3, 4, 5, 6)));
        assertNull(CanonicalJson.readEvent("{\"type\":\"AssetAdded\",\"seq\":1,\"assetId\":2,\"symbol\":\"E\","
                + "\"scale\":8}"));
    }

    // ------------------------------------------------------------------ helpers

    /** MessageJson's answer for this text ends as Jackson's alone does: the same record or the same exception. */
    private static void assertSameOutcome(String json, boolean command, String where) {
        Class<?> type = command ? Command.class : Event.class;
        String jackson = outcome(() -> MessageJson.MAPPER.readValue(json, type));
        String fast = outcome(() -> command ? MessageJson.readCommand(json) : MessageJson.readEvent(json));
        assertEquals(jackson, fast, where + ": " + json);
        // the consumers' path: the record's UTF-8 bytes, against Jackson given the same bytes
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        String jacksonBytes = outcome(() -> MessageJson.MAPPER.readValue(utf8, type));
        String fastBytes = outcome(() -> command ? MessageJson.readCommand(utf8) : MessageJson.readEvent(utf8));
        assertEquals(jacksonBytes, fastBytes, where + " (bytes): " + json);
    }

    private static String outcome(Supplier<Object> read) {
        try {
            return "value " + read.get();
        } catch (RuntimeException e) {
            return "exception " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static boolean plain(Event.BlockSealed b) {
        return Stream.of(b.stateRoot(), b.commandsRoot(), b.eventsRoot())
                .allMatch(s -> s == null || s.chars().allMatch(c -> c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'));
    }

    private static List<Path> vectorFiles() throws IOException {
        String root = System.getProperty("zkclob.repoRoot");
        Path dir = (root != null ? Path.of(root) : Path.of("..")).resolve("spec/vectors");
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertFalse(files.isEmpty(), "vector files in " + dir);
            return files;
        }
    }

    private static final long[] EDGE_LONGS = {0, 1, -1, 9, 10, -10, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, 1_000_000_000_000_000_000L, -1_000_000_000_000_000_000L,
            999_999_999_999_999_999L, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 32};
    private static final int[] EDGE_INTS = {0, 1, -1, 10, Integer.MAX_VALUE, Integer.MIN_VALUE, 65_535};

    private static long l(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> EDGE_LONGS[r.nextInt(EDGE_LONGS.length)];
            case 1 -> r.nextLong();
            case 2 -> r.nextInt(1_000_000);
            default -> -r.nextInt(1_000);
        };
    }

    private static int i(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> EDGE_INTS[r.nextInt(EDGE_INTS.length)];
            case 1 -> r.nextInt();
            default -> r.nextInt(100);
        };
    }

    private static <E> E pick(Random r, E[] values) {
        // null now and then: Jackson writes it, and reads it back as null for an enum
        return r.nextInt(50) == 0 ? null : values[r.nextInt(values.length)];
    }

    private static String str(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> hex(r);
            default -> {
                String alphabet = "ab09/\"\\\n\t\r\b\f\u0000\u0001\u001f\u007f\u0080\u00e9\u2028\u2029\u20ac\ud83d\ude00 {}:,";
                StringBuilder b = new StringBuilder();
                int n = r.nextInt(12);
                for (int k = 0; k < n; k++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
                yield b.toString();
            }
        };
    }

    private static String hex(Random r) {
        StringBuilder b = new StringBuilder(64);
        for (int k = 0; k < 64; k++) b.append(Character.forDigit(r.nextInt(16), 16));
        return b.toString();
    }

    static Object randomHot(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> new Command.PlaceOrder(l(r), l(r), l(r), i(r), l(r), pick(r, Side.values()),
                    pick(r, OrderType.values()), pick(r, TimeInForce.values()), l(r), l(r), l(r));
            case 1 -> new Command.CancelOrder(l(r), l(r), l(r), l(r), l(r));
            case 2 -> new Command.CancelAll(l(r), l(r), l(r), i(r));
            case 3 -> new Command.SealBlock(l(r), l(r));
            case 4 -> new Event.OrderAccepted(l(r), l(r), l(r), i(r), l(r), pick(r, Side.values()),
                    pick(r, OrderType.values()), pick(r, TimeInForce.values()), l(r), l(r), l(r), i(r), l(r));
            case 5 -> new Event.OrderRejected(l(r), l(r), i(r), l(r), pick(r, RejectCode.values()), l(r));
            case 6 -> new Event.TradeExecuted(l(r), i(r), l(r), l(r), l(r), l(r), pick(r, Side.values()), l(r), l(r),
                    l(r), l(r), l(r), l(r), l(r));
            case 7 -> new Event.OrderCanceled(l(r), l(r), l(r), i(r), pick(r, CancelReason.values()), l(r), i(r),
                    l(r));
            case 8 -> new Event.CancelRejected(l(r), l(r), l(r), l(r), pick(r, RejectCode.values()));
            default -> new Event.BlockSealed(l(r), l(r), l(r), l(r), l(r), i(r), i(r), str(r), str(r), str(r));
        };
    }

    /** One change a producer other than ours, or a corrupted record, might bring. */
    private static String mutate(String json, Random r) {
        List<int[]> fields = fieldSpans(json);
        int[] f = fields.get(r.nextInt(fields.size()));
        String field = json.substring(f[0], f[1]);
        String name = field.substring(0, field.indexOf(':'));
        return switch (r.nextInt(13)) {
            case 0 -> { // two fields swapped
                int[] g = fields.get(r.nextInt(fields.size()));
                if (g[0] == f[0]) yield json.replace(field, field + ",\"extra\":0");
                int[] a = f[0] < g[0] ? f : g;
                int[] b = f[0] < g[0] ? g : f;
                yield json.substring(0, a[0]) + json.substring(b[0], b[1]) + json.substring(a[1], b[0])
                        + json.substring(a[0], a[1]) + json.substring(b[1]);
            }
            case 1 -> json.substring(0, f[1]) + ",\"extra\":" + (r.nextBoolean() ? "1" : "\"x\"") + json.substring(f[1]);
            case 2 -> { // a field dropped, with its comma
                int from = f[0] > 1 ? f[0] - 1 : f[0];
                int to = f[0] > 1 ? f[1] : Math.min(json.length() - 1, f[1] + 1);
                yield json.substring(0, from) + json.substring(to);
            }
            case 3 -> json.substring(0, f[0]) + name + ":null" + json.substring(f[1]);
            case 4 -> { // whitespace somewhere
                int at = 1 + r.nextInt(json.length() - 1);
                yield json.substring(0, at) + (r.nextBoolean() ? " " : "\n") + json.substring(at);
            }
            case 5 -> json.substring(0, f[0]) + name + ":" + numberish(r) + json.substring(f[1]);
            case 6 -> json.substring(0, f[0]) + name + ":\"" + enumish(r) + "\"" + json.substring(f[1]);
            case 7 -> json + (r.nextBoolean() ? " " : "x");
            case 8 -> json.substring(0, f[0]) + name + ":" + field.substring(name.length() + 1) + "0"
                    + json.substring(f[1]);
            case 9 -> { // one character replaced
                int at = r.nextInt(json.length());
                String chars = "{}[],:\"\\-0123456789.eE abnul";
                yield json.substring(0, at) + chars.charAt(r.nextInt(chars.length())) + json.substring(at + 1);
            }
            case 10 -> json.substring(0, json.length() - 1 - r.nextInt(Math.min(5, json.length())));
            case 11 -> json.replaceFirst("\"type\":\"[A-Za-z]+\"", "\"type\":\"" + typeish(r) + "\"");
            default -> json.substring(0, f[0]) + name.toUpperCase() + field.substring(name.length())
                    + json.substring(f[1]);
        };
    }

    private static String numberish(Random r) {
        String[] forms = {"01", "-0", "1.5", "2e3", "\"12\"", "9223372036854775808", "-9223372036854775809",
                "2147483648", "-2147483649", "true", "[]", "{}", "+1", "-", "0x10", "1_000"};
        return forms[r.nextInt(forms.length)];
    }

    private static String enumish(Random r) {
        String[] forms = {"BUY", "SELL", "buy", "LIMIT", "MARKET", "GTC", "POST_ONLY", "USER", "SELF_TRADE",
                "MALFORMED", "INSUFFICIENT_FUNDS", "", "B\\u0055Y", "ab", "0"};
        return forms[r.nextInt(forms.length)];
    }

    private static String typeish(Random r) {
        String[] forms = {"PlaceOrder", "CancelOrder", "CancelAll", "SealBlock", "OrderAccepted", "OrderRejected",
                "TradeExecuted", "OrderCanceled", "CancelRejected", "BlockSealed", "Deposit", "AssetAdded", "",
                "placeorder", "Seal\\u0042lock"};
        return forms[r.nextInt(forms.length)];
    }

    /** The [start, end) of each {@code "name":value} in a canonical message (strings in it may hold commas). */
    private static List<int[]> fieldSpans(String json) {
        List<int[]> spans = new ArrayList<>();
        int start = 1;
        boolean inString = false;
        for (int k = 1; k < json.length(); k++) {
            char ch = json.charAt(k);
            if (inString) {
                if (ch == '\\') k++;
                else if (ch == '"') inString = false;
            } else if (ch == '"') {
                inString = true;
            } else if (ch == ',' || k == json.length() - 1) {
                spans.add(new int[] {start, k});
                start = k + 1;
            }
        }
        return spans;
    }
}
