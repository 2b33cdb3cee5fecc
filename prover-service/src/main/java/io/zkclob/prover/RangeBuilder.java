package io.zkclob.prover;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.engine.Exchange;
import io.zkclob.engine.LevelBook;
import io.zkclob.engine.Snapshot;
import io.zkclob.engine.Witness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import io.zkclob.support.ConsumerWorker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Replays the command log into a replica engine and cuts it into block ranges (a range closes after
 * {@code blocksPerRange} blocks or {@code maxCommandsPerRange} commands). For each range it writes the
 * guest's witness, with the block headers exactly as the matcher published them, and records it PENDING (witness
 * bytes in the database). Only the replica holding the {@link LeaderLock} does this; the others wait for it.
 * Memory holds one pre-state snapshot and one range's commands: nothing grows with the backlog.
 *
 * <p>It keeps its own loop ({@link ConsumerWorker}) where the projections moved to listener containers: it has no
 * position to resume from (every start and every failure, a lost leader lock included, rebuilds the replica from
 * offset 0), it runs only while this replica holds the leader lock, and it closes a range on a quiet log after
 * {@code maxRangeMs}, which needs the empty polls a batch listener never sees. Nothing in it can be parked either:
 * a record that is not a command is skipped by the replica exactly as by the engine.
 */
final class RangeBuilder extends ConsumerWorker {
    private static final Logger log = LoggerFactory.getLogger(RangeBuilder.class);
    private static final TopicPartition LOG = new TopicPartition(Topics.COMMANDS, 0);
    private final ProverProperties props;
    private final String bootstrap;
    private final JdbcClient jdbc;

    private final LeaderLock leader;
    private final TransactionTemplate tx;

    /** {@code leader}: only the replica holding it cuts ranges (null: this one always does). */
    RangeBuilder(ProverProperties props, String bootstrap, JdbcClient jdbc, TransactionTemplate tx, LeaderLock leader) {
        super("prover-ranges", 2_000); // a failure (leadership lost included) rebuilds the replica from the log
        this.leader = leader;
        this.props = props;
        this.bootstrap = bootstrap;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @Override
    protected Properties consumerProps() {
        Properties p = ConsumerWorker.consumerProps(bootstrap);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1_000);
        return p;
    }

    @Override
    protected void work(KafkaConsumer<String, byte[]> c) throws Exception {
        while (running() && leader != null && !leader.held()) sleep(2_000); // another replica cuts the ranges
        if (!running()) return;
        long ranged = jdbc.sql("SELECT COALESCE(MAX(last_height), 0) FROM ranges").query(Long.class).single();
        // The replica applies each command as it is read and records what the open range touches; pre is the state
        // where that range starts. Copied once a range (the replica's state at its end), where the witness builder
        // used to copy the pre-state again and apply the whole range a second time to learn what it touches: both
        // were about a third of this thread's CPU at 6,000 orders/s (docs/benchmarks.md, session 15).
        Exchange replica = new Exchange();
        Witness.Touched touched = new Witness.Touched();
        touched.attach(replica);
        Exchange pre = copy(replica);
        List<Command> commands = new ArrayList<>();
        List<Witness.Header> headers = new ArrayList<>();
        c.assign(List.of(LOG));
        c.seekToBeginning(List.of(LOG));
        List<Event> events = new ArrayList<>();
        long rangeStartedNanos = System.nanoTime();
        while (running()) {
            if (leader != null && !leader.held()) throw new IllegalStateException("this replica lost the leader lock");
            var records = c.poll(Duration.ofMillis(200));
            // A quiet market still gets its blocks executed: a range also closes maxRangeMs after its first block.
            if (records.isEmpty() && !headers.isEmpty()
                    && System.nanoTime() - rangeStartedNanos > props.maxRangeMs() * 1_000_000L
                    && commands.get(commands.size() - 1) instanceof Command.SealBlock) {
                writeRange(pre, commands, headers, touched);
                pre = copy(replica);
                commands.clear();
                headers.clear();
                touched.clear();
            }
            for (ConsumerRecord<String, byte[]> r : records) {
                Command cmd;
                try {
                    cmd = MessageJson.readCommand(r.value()).sequenced(r.offset(), r.timestamp());
                } catch (RuntimeException e) {
                    continue; // the matcher skips it too (deterministic)
                }
                events.clear();
                replica.apply(cmd, events);
                touched.events(events);
                commands.add(cmd);
                for (Event e : events) {
                    if (!(e instanceof BlockSealed b)) continue;
                    if (b.height() <= ranged) {
                        // Already cut into a range before a restart: move the range start past it (the state is
                        // copied only after the last such block, where the next range starts).
                        if (b.height() == ranged) pre = copy(replica);
                        commands.clear();
                        touched.clear();
                        continue;
                    }
                    if (headers.isEmpty()) rangeStartedNanos = System.nanoTime();
                    headers.add(recordedHeader(b));
                    if (headers.size() >= props.blocksPerRange() || commands.size() >= props.maxCommandsPerRange()) {
                        writeRange(pre, commands, headers, touched);
                        pre = copy(replica);
                        commands.clear();
                        headers.clear();
                        touched.clear();
                    }
                }
            }
        }
    }

    /** The header as the matcher published it; the replica's own must agree (two Java engines, one log). */
    private Witness.Header recordedHeader(BlockSealed mine) {
        for (int i = 0; i < 600 && running(); i++) {
            var recorded = jdbc.sql("SELECT height, first_seq, last_seq, state_root, commands_root, events_root FROM blocks WHERE height = ?")
                    .param(mine.height()).query((rs, n) -> new Witness.Header(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                            rs.getString(4), rs.getString(5), rs.getString(6))).optional();
            if (recorded.isPresent()) {
                if (!recorded.get().stateRoot().equals(mine.stateRoot())) {
                    log.error("block {}: published state root {} differs from the replica's {}", mine.height(),
                            recorded.get().stateRoot(), mine.stateRoot());
                }
                return recorded.get();
            }
            sleep(100);
        }
        throw new IllegalStateException("no published header for block " + mine.height() + " after 60 s");
    }

    private static Exchange copy(Exchange e) {
        return Snapshot.read(Snapshot.write(e), LevelBook::new);
    }

    private void writeRange(Exchange pre, List<Command> commands, List<Witness.Header> headers, Witness.Touched touched) {
        byte[] witness = Witness.build(pre, commands, headers, touched);
        long first = headers.get(0).height();
        long last = headers.get(headers.size() - 1).height();
        // In the database, not on this replica's disk: any replica may prove it.
        // One transaction: a crash between the two left the range's blocks without their range_id, so executing the
        // range never marked them and they stayed SEALED forever (a restart resumes after the range's last height).
        long id = tx.execute(s -> {
            long rangeId = jdbc.sql("INSERT INTO ranges (first_height, last_height, witness, commands, status) VALUES (?, ?, ?, ?, 'PENDING')"
                    + " RETURNING range_id").params(first, last, witness, commands.size()).query(Long.class).single();
            jdbc.sql("UPDATE blocks SET range_id = ? WHERE height BETWEEN ? AND ?").params(rangeId, first, last).update();
            return rangeId;
        });
        log.info("range {}: blocks {}..{}, {} commands, witness {} bytes", id, first, last, commands.size(), witness.length);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
