package io.zkclob.engine;

import java.util.function.Supplier;

class LevelBookRulesTest extends ExchangeRulesTest {
    @Override
    Supplier<OrderBook> books() {
        return LevelBook::new;
    }
}
