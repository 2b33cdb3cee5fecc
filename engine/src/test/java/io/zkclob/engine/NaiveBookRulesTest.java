package io.zkclob.engine;

import java.util.function.Supplier;

class NaiveBookRulesTest extends ExchangeRulesTest {
    @Override
    Supplier<OrderBook> books() {
        return NaiveBook::new;
    }
}
