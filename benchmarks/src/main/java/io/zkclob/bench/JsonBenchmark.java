package io.zkclob.bench;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.contracts.json.MessageJson;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * ns per write and per read of the order path's messages on the Kafka topics: Jackson's polymorphic databind
 * (as MessageJson did before session 9) against MessageJson's canonical fast path. JMH-style: the messages are
 * built before timing (1,024 of each, with varied numbers), each variant warms up, then a timed loop; every
 * result feeds a checksum that is printed, so the loop cannot be optimised away. One line per variant.
 *
 * <pre>JsonBenchmark [operations] [rounds]</pre>
 */
public final class JsonBenchmark {
    private static final int MESSAGES = 1_024;
    private static long sink;

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf("machine: %d cores, %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        Object[] accepted = build(i -> new Event.OrderAccepted(1_000_000L + i, 5_000_000L + i, 1 + i % 500, 1,
                i, i % 2 == 0 ? Side.BUY : Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 3_000_000_000L + i * 10_000L,
                10_000_000L, 0, 2, 30_000_000_000L + i));
        Object[] trades = build(i -> new Event.TradeExecuted(1_000_000L + i, 1, 4_000_000L + i, 1 + i % 500,
                5_000_000L + i, 2 + i % 500, Side.BUY, 3_000_000_000L + i * 10_000L, 10_000_000L, 30_000_000L + i,
                30_000L, 60_000L, 0, 1_234L + i));
        Object[] places = build(i -> new Command.PlaceOrder(1_000_000L + i, 1_767_225_600_000L + i, 1 + i % 500, 1,
                i, i % 2 == 0 ? Side.BUY : Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 3_000_000_000L + i * 10_000L,
                10_000_000L, 0));
        for (int r = 0; r < rounds; r++) {
            suite("OrderAccepted", accepted, false, n);
            suite("TradeExecuted", trades, false, n);
            suite("PlaceOrder", places, true, n);
        }
        System.out.println("checksum " + sink);
    }

    private static Object[] build(IntFunction<Object> f) {
        Object[] out = new Object[MESSAGES];
        for (int i = 0; i < out.length; i++) out[i] = f.apply(i);
        return out;
    }

    private static void suite(String name, Object[] messages, boolean command, int n) {
        String[] texts = new String[messages.length];
        for (int i = 0; i < texts.length; i++) texts[i] = MessageJson.write(messages[i]);
        Class<?> type = command ? Command.class : Event.class;
        time(name, "write", "Jackson", n, i -> MessageJson.MAPPER.writeValueAsString(messages[i]).length());
        time(name, "write", "fast", n, i -> MessageJson.write(messages[i]).length());
        time(name, "read", "Jackson", n, i -> MessageJson.MAPPER.readValue(texts[i], type).hashCode());
        time(name, "read", "fast", n, i -> (command ? MessageJson.readCommand(texts[i])
                : MessageJson.readEvent(texts[i])).hashCode());
    }

    private static void time(String message, String op, String variant, int n, IntToLongFunction body) {
        long sum = 0;
        for (int i = 0; i < n / 2; i++) sum += body.applyAsLong(i % MESSAGES); // warm-up
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) sum += body.applyAsLong(i % MESSAGES);
        long ns = System.nanoTime() - t0;
        sink += sum;
        System.out.printf("json %-14s %-5s %-8s %6d ns/op%n", message, op, variant, ns / n);
    }
}
