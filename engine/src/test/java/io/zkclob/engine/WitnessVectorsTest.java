package io.zkclob.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.BlockSealed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Witnesses for block ranges of the random vectors: the Rust guest logic reads these (spec/vectors/witness/)
 * and must accept them; a tampered copy must be refused.
 */
class WitnessVectorsTest {
    /** Builds the witness for blocks [fromHeight, toHeight] of a command stream. */
    static byte[] witness(List<Command> all, long fromHeight, long toHeight) {
        return witness(all, fromHeight, toHeight, false);
    }

    /**
     * {@code recordWhileApplying}: what the range touches recorded while the engine applies it (prover-service's
     * way, {@link Witness.Touched}) instead of the builder's own dry run on a copy.
     */
    static byte[] witness(List<Command> all, long fromHeight, long toHeight, boolean recordWhileApplying) {
        Exchange ex = new Exchange();
        List<Event> events = new ArrayList<>();
        int i = 0;
        while (ex.height() < fromHeight - 1) ex.apply(all.get(i++), events);
        Exchange pre = Snapshot.read(Snapshot.write(ex), LevelBook::new);
        Witness.Touched touched = recordWhileApplying ? new Witness.Touched() : null;
        if (touched != null) touched.attach(ex);
        List<Command> range = new ArrayList<>();
        List<Witness.Header> headers = new ArrayList<>();
        while (ex.height() < toHeight) {
            Command c = all.get(i++);
            range.add(c);
            events.clear();
            ex.apply(c, events);
            if (touched != null) touched.events(events);
            for (Event e : events) if (e instanceof BlockSealed b) headers.add(Witness.Header.of(b));
        }
        return touched == null ? Witness.build(pre, range, headers) : Witness.build(pre, range, headers, touched);
    }

    @Test
    void touchesRecordedWhileApplyingGiveTheDryRunsWitness() {
        for (Object[] c : cases()) {
            @SuppressWarnings("unchecked") List<Command> all = (List<Command>) c[1];
            assertArrayEquals(witness(all, (long) c[2], (long) c[3]), witness(all, (long) c[2], (long) c[3], true),
                    (String) c[0]);
        }
    }

    static List<Object[]> cases() {
        RandomCommands r = new RandomCommands(23, 200);
        r.generate(5_000);
        List<Command> all = new ArrayList<>(r.commands());
        // The smallest: the second block of the partial-fill rule scenario, which CI proves for real.
        List<Command> partialFill = Vectors.catalogue().stream().filter(s -> s.name.equals("partial-fill")).findFirst()
                .orElseThrow().commands;
        // h1, h2-4 and h5-7 chain into one proof of blocks 1..7 (docs/zk.md, ZKWC); h1-7 is the same span as one range.
        // client-order-ids: retries checked against the recent client order ids of the pre-state (block 2), and the
        // 65th evicting the oldest (block 3).
        List<Command> clientIds = Scenarios.clientOrderIds().commands;
        return List.of(new Object[] {"random-markets-h1", all, 1L, 1L}, new Object[] {"random-markets-h2-4", all, 2L, 4L},
                new Object[] {"random-markets-h5-7", all, 5L, 7L}, new Object[] {"random-markets-h1-7", all, 1L, 7L},
                new Object[] {"random-markets-h20", all, 20L, 20L}, new Object[] {"partial-fill-h2", partialFill, 2L, 2L},
                new Object[] {"client-order-ids-h2", clientIds, 2L, 2L},
                new Object[] {"client-order-ids-h3", clientIds, 3L, 3L});
    }

    @Test
    void witnessIsDeterministicAndSmallerThanTheState() {
        for (Object[] c : cases()) {
            @SuppressWarnings("unchecked") List<Command> all = (List<Command>) c[1];
            byte[] a = witness(all, (long) c[2], (long) c[3]);
            byte[] b = witness(all, (long) c[2], (long) c[3]);
            assertArrayEquals(a, b);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "vectors.write", matches = "true")
    void write() throws Exception {
        Path dir = Vectors.dir().resolve("witness");
        Files.createDirectories(dir);
        for (Object[] c : cases()) {
            @SuppressWarnings("unchecked") List<Command> all = (List<Command>) c[1];
            Files.write(dir.resolve(c[0] + ".bin"), witness(all, (long) c[2], (long) c[3]));
        }
    }

    @Test
    void aChainFramesEachWitnessWithItsLength() {
        byte[] chain = Witness.chain(List.of(new byte[] {1, 2}, new byte[] {3}));
        assertArrayEquals(new byte[] {0x5A, 0x4B, 0x57, 0x43, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 0, 0, 0, 1, 3}, chain);
        assertThrows(IllegalArgumentException.class, () -> Witness.chain(List.of()));
    }
}
