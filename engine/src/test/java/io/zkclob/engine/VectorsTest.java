package io.zkclob.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.json.MessageJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Reads back every golden vector and replays it on both books: the events and the state roots must match
 * exactly. Regenerate with {@code ./scripts/gen-vectors} (after a deliberate rule change only).
 */
class VectorsTest {
    @TestFactory
    Stream<DynamicTest> everyVectorReplaysExactly() throws Exception {
        List<Path> files = Vectors.files();
        assertFalse(files.isEmpty(), "no vectors under " + Vectors.dir());
        return files.stream().flatMap(f -> Stream.of(
                DynamicTest.dynamicTest(f.getFileName() + " (LevelBook)", () -> replay(f, new Exchange(LevelBook::new))),
                DynamicTest.dynamicTest(f.getFileName() + " (NaiveBook)", () -> replay(f, new Exchange(NaiveBook::new)))));
    }

    private static void replay(Path file, Exchange ex) throws Exception {
        Vectors.Vector v = Vectors.read(file);
        List<Event> events = new ArrayList<>();
        for (Command c : v.commands()) ex.apply(c, events);
        assertEquals(v.events().size(), events.size(), v.name() + ": event count");
        for (int i = 0; i < events.size(); i++) {
            assertEquals(v.events().get(i).toString(), MessageJson.write(events.get(i)), v.name() + ": event #" + i);
        }
        ex.checkInvariants();
    }

    @Test
    void filesMatchTheGenerator() throws Exception {
        List<Scenario> catalogue = Vectors.catalogue();
        assertEquals(catalogue.size(), Vectors.files().size(), "vector files vs catalogue; run ./scripts/gen-vectors");
        for (Scenario s : catalogue) {
            Path f = Vectors.dir().resolve(s.name + ".json");
            assertEquals(Vectors.render(s), Files.readString(f), s.name + " is stale; run ./scripts/gen-vectors");
        }
    }

    /** Writes spec/vectors/: {@code mvn test -Dvectors.write=true -Dtest=VectorsTest#write}. */
    @Test
    @EnabledIfSystemProperty(named = "vectors.write", matches = "true")
    void write() throws Exception {
        Files.createDirectories(Vectors.dir());
        for (Scenario s : Vectors.catalogue()) {
            Files.writeString(Vectors.dir().resolve(s.name + ".json"), Vectors.render(s));
        }
    }
}
