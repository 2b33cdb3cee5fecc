package io.zkclob.engine;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.contracts.json.MessageJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Golden vectors (spec/vectors/*.json): a command stream, the events it must produce in order, and the state
 * root after every SealBlock. One JSON message per line so a diff shows which event moved.
 */
public final class Vectors {
    public record Vector(String name, String description, List<Command> commands, List<JsonNode> events,
                         List<JsonNode> blocks) {}

    private Vectors() {}

    public static Path dir() {
        String root = System.getProperty("zkclob.repoRoot");
        Path base = root != null ? Path.of(root) : Path.of("..");
        return base.resolve("spec/vectors");
    }

    /** Runs the commands on a fresh engine (the fast book) and renders the vector file's text. */
    public static String render(Scenario s) {
        Exchange ex = new Exchange();
        List<Event> events = new ArrayList<>();
        for (Command c : s.commands) ex.apply(c, events);
        StringBuilder out = new StringBuilder();
        out.append("{\n\"name\": ").append(MessageJson.write(s.name)).append(",\n");
        out.append("\"description\": ").append(MessageJson.write(s.description)).append(",\n");
        out.append("\"commands\": [\n");
        join(out, s.commands.stream().map(MessageJson::write).toList());
        out.append("],\n\"events\": [\n");
        join(out, events.stream().map(MessageJson::write).toList());
        out.append("],\n\"blocks\": [\n");
        join(out, events.stream().filter(e -> e instanceof BlockSealed).map(e -> (BlockSealed) e)
                .map(b -> "{\"height\":" + b.height() + ",\"lastSeq\":" + b.lastSeq() + ",\"stateRoot\":\""
                        + b.stateRoot() + "\"}").toList());
        out.append("]\n}\n");
        return out.toString();
    }

    private static void join(StringBuilder out, List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            out.append(lines.get(i)).append(i + 1 < lines.size() ? ",\n" : "\n");
        }
    }

    public static Vector read(Path file) throws IOException {
        JsonNode root = MessageJson.MAPPER.readTree(Files.readString(file));
        List<Command> commands = new ArrayList<>();
        root.get("commands").forEach(n -> commands.add(MessageJson.toCommand(n)));
        List<JsonNode> events = new ArrayList<>();
        root.get("events").forEach(events::add);
        List<JsonNode> blocks = new ArrayList<>();
        root.get("blocks").forEach(blocks::add);
        return new Vector(root.get("name").asString(), root.get("description").asString(), commands, events, blocks);
    }

    public static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Every vector this repository ships: the hand-written rules, then the seeded random streams. */
    public static List<Scenario> catalogue() {
        List<Scenario> all = new ArrayList<>(Scenarios.all());
        all.add(random("random-small", 11, 20, 2_000));
        all.add(random("random-markets", 23, 200, 5_000));
        all.add(random("random-many-accounts", 37, 2_000, 5_000));
        return all;
    }

    private static Scenario random(String name, long seed, int accounts, int count) {
        RandomCommands r = new RandomCommands(seed, accounts);
        r.generate(count);
        Scenario s = new Scenario(name, "seed " + seed + ", " + accounts + " accounts, 3 markets, " + count
                + " commands after setup (engine/src/test/.../RandomCommands.java)");
        s.commands.addAll(r.commands());
        s.seal();
        return s;
    }
}
