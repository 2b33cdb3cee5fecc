package io.zkclob.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTest {
    @Test
    void restoredStateHasTheSameRootAndReplaysIdentically() {
        RandomCommands r = new RandomCommands(99, 150);
        List<Command> commands = r.generate(8_000);
        for (int cut : new int[] {700, 3_333, commands.size() - 1}) {
            Exchange original = new Exchange();
            List<Event> expected = new ArrayList<>();
            for (Command c : commands) original.apply(c, expected);

            Exchange first = new Exchange();
            List<Event> actual = new ArrayList<>();
            for (Command c : commands.subList(0, cut)) first.apply(c, actual);
            byte[] snap = Snapshot.write(first);
            Exchange restored = Snapshot.read(snap, NaiveBook::new);
            assertArrayEquals(first.stateRoot(), restored.stateRoot(), "root after restore at " + cut);
            assertArrayEquals(snap, Snapshot.write(restored), "snapshot of the restored state is identical");
            restored.checkInvariants();
            for (Command c : commands.subList(cut, commands.size())) restored.apply(c, actual);
            assertEquals(expected, actual, "events after restoring at " + cut);
            assertArrayEquals(original.stateRoot(), restored.stateRoot());
        }
    }
}
