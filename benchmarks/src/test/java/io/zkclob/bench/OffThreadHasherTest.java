package io.zkclob.bench;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.engine.Exchange;
import io.zkclob.engine.LevelBook;
import io.zkclob.engine.RandomCommands;
import io.zkclob.engine.SameCommitments;
import io.zkclob.engine.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The off-thread hasher's commitments are the inline hasher's, event for event and root for root. */
class OffThreadHasherTest {
    /** The engine's random stream (every command kind, three markets, a seal every ~100 commands, blocks of ~12 KB). */
    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {61, 1_024, OffThreadHasher.DEFAULT_CHUNK_BYTES})
    void randomStreamSealsTheSameBlocks(int chunkBytes) {
        List<Command> commands = new RandomCommands(0xB10C, 300).generate(200_000);
        try (OffThreadHasher hasher = new OffThreadHasher(chunkBytes)) {
            int seals = compare(commands, new Exchange(LevelBook::new, hasher));
            assertTrue(seals > 1_500, "blocks sealed: " + seals);
        }
    }

    /**
     * The benchmark's workload, blocks of about 100,000 commands (about 12 MB): many chunks queued per block, and
     * the first blocks grow the buffer while the hasher still reads the old one.
     */
    @Test
    void benchmarkWorkloadSealsTheSameLargeBlocks() {
        List<Command> commands = EngineBenchmark.generate(600_000, 100_000);
        try (OffThreadHasher hasher = new OffThreadHasher()) {
            int seals = compare(commands, new Exchange(LevelBook::new, hasher));
            assertTrue(seals >= 4, "blocks sealed: " + seals);
        }
    }

    @Test
    void snapshotRestoredMidBlockOntoTheHasherSealsTheSameBlocks() {
        List<Command> commands = new RandomCommands(0x5EED, 200).generate(20_000);
        int cut = 12_345;
        Exchange first = new Exchange();
        for (Command c : commands.subList(0, cut)) first.apply(c);
        try (OffThreadHasher hasher = new OffThreadHasher(512)) {
            Exchange restored = Snapshot.read(Snapshot.write(first), LevelBook::new, hasher);
            Exchange reference = Snapshot.read(Snapshot.write(first), LevelBook::new);
            List<Command> rest = commands.subList(cut, commands.size());
            List<Event> expected = new ArrayList<>();
            List<Event> actual = new ArrayList<>();
            for (Command c : rest) {
                reference.apply(c, expected);
                restored.apply(c, actual);
            }
            assertTrue(expected.stream().anyMatch(e -> e instanceof BlockSealed));
            assertEquals(expected, actual);
        }
    }

    private static int compare(List<Command> commands, Exchange offThread) {
        return SameCommitments.applyToBoth(commands, new Exchange(LevelBook::new), offThread);
    }
}
