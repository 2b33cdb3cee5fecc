package io.zkclob.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A block's commitments do not depend on how its bytes are cut for the hasher: the stream is given its
 * chunks as the block fills, the seal the rest. Off the matching thread: benchmarks' OffThreadHasherTest.
 */
class BlockHasherTest {
    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {1, 61, 64, 4_096, 65_536})
    void chunkedStreamGivesTheSameEventsAndRootsAsTheSeal(int chunkBytes) {
        List<Command> commands = new RandomCommands(7, 200).generate(30_000);
        int seals = SameCommitments.applyToBoth(commands, new Exchange(LevelBook::new),
                new Exchange(LevelBook::new, BlockHasher.inline(chunkBytes)));
        assertTrue(seals > 200, "the stream seals blocks: " + seals);
    }

    @Test
    void aSnapshotRestoredMidBlockWithAnotherHasherSealsTheSameBlock() {
        List<Command> commands = new RandomCommands(11, 100).generate(5_000);
        Exchange original = new Exchange();
        List<Event> expected = new ArrayList<>();
        for (Command c : commands) original.apply(c, expected);

        Exchange first = new Exchange();
        List<Event> actual = new ArrayList<>();
        int cut = 2_345;
        for (Command c : commands.subList(0, cut)) first.apply(c, actual);
        Exchange restored = Snapshot.read(Snapshot.write(first), LevelBook::new, BlockHasher.inline(100));
        for (Command c : commands.subList(cut, commands.size())) restored.apply(c, actual);
        assertEquals(expected, actual);
    }

    @Test
    void chunkSizeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> BlockHasher.inline(0));
    }
}
