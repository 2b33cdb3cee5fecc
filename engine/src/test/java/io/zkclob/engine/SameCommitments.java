package io.zkclob.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.BlockSealed;
import java.util.ArrayList;
import java.util.List;

/** Two exchanges that differ only in how they hash blocks must give the same events and roots (engine and benchmarks tests). */
public final class SameCommitments {
    private SameCommitments() {}

    /** Applies {@code commands} to both; every command's events and the final state roots must agree. Returns the seals. */
    public static int applyToBoth(List<Command> commands, Exchange reference, Exchange other) {
        List<Event> a = new ArrayList<>();
        List<Event> b = new ArrayList<>();
        int seals = 0;
        for (Command c : commands) {
            a.clear();
            b.clear();
            reference.apply(c, a);
            other.apply(c, b);
            assertEquals(a, b, "diverged at seq " + c.seq());
            for (Event e : a) if (e instanceof BlockSealed) seals++;
        }
        assertArrayEquals(reference.stateRoot(), other.stateRoot());
        return seals;
    }
}
