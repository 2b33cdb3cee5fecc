package io.zkclob.block;

import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.ApiException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The block explorer's data (the gateway serves it publicly under /api/v1/blocks). */
@RestController
@RequestMapping("/internal/blocks")
class BlocksApi {
    private static final String COLUMNS = "height, first_seq, last_seq, command_count, event_count, state_root, commands_root,"
            + " events_root, prev_hash, hash, sealed_at_ms";
    private final JdbcClient jdbc;

    BlocksApi(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private static Map<String, Object> row(ResultSet rs, int n) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("height", rs.getLong(1));
        m.put("firstSeq", rs.getLong(2));
        m.put("lastSeq", rs.getLong(3));
        m.put("commandCount", rs.getInt(4));
        m.put("eventCount", rs.getInt(5));
        m.put("stateRoot", rs.getString(6));
        m.put("commandsRoot", rs.getString(7));
        m.put("eventsRoot", rs.getString(8));
        m.put("prevHash", rs.getString(9));
        m.put("hash", rs.getString(10));
        m.put("timestampMs", rs.getLong(11));
        return m;
    }

    @GetMapping("/latest")
    Map<String, Object> latest() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM blocks ORDER BY height DESC LIMIT 1").query(BlocksApi::row).optional()
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "BLOCK_NOT_FOUND", "no block sealed yet"));
    }

    @GetMapping("/{height}")
    Map<String, Object> block(@PathVariable long height) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM blocks WHERE height = ?").param(height).query(BlocksApi::row).optional()
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "BLOCK_NOT_FOUND", "no block " + height));
    }

    @GetMapping
    List<Map<String, Object>> range(@RequestParam long from, @RequestParam long to) {
        if (to < from) throw new ApiException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "to must not be below from");
        long upper = Math.min(to, from + 99); // at most 100 blocks a page
        return jdbc.sql("SELECT " + COLUMNS + " FROM blocks WHERE height BETWEEN ? AND ? ORDER BY height").params(from, upper)
                .query(BlocksApi::row).list();
    }

    @GetMapping("/{height}/commands")
    List<Object> commands(@PathVariable long height) {
        Map<String, Object> b = block(height);
        return jdbc.sql("SELECT body FROM commands WHERE seq BETWEEN ? AND ? ORDER BY seq").params(b.get("firstSeq"), b.get("lastSeq"))
                .query((rs, n) -> (Object) MessageJson.MAPPER.readTree(rs.getString(1))).list();
    }

    @GetMapping("/{height}/trades")
    List<Object> trades(@PathVariable long height) {
        Map<String, Object> b = block(height);
        return jdbc.sql("SELECT body FROM events WHERE type = 'TradeExecuted' AND seq BETWEEN ? AND ? ORDER BY seq, event_index")
                .params(b.get("firstSeq"), b.get("lastSeq")).query((rs, n) -> (Object) MessageJson.MAPPER.readTree(rs.getString(1))).list();
    }
}
