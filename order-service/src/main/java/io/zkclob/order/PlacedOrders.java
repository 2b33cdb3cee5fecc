package io.zkclob.order;

import io.zkclob.contracts.Command.PlaceOrder;
import java.util.Collection;
import java.util.Map;

/**
 * The PlaceOrder commands at some seqs of the command log. An OrderRejected event carries only who, where and
 * why, so the order store reads the side, type and amounts of a rejected order from the command itself.
 */
@FunctionalInterface
interface PlacedOrders {
    /** The PlaceOrder at each of {@code seqs}; a seq whose command is not a PlaceOrder is absent. */
    Map<Long, PlaceOrder> find(Collection<Long> seqs);
}
