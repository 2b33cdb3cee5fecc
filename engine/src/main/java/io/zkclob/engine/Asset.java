package io.zkclob.engine;

/** An asset and its running totals; {@code slot} is its dense index in account balance arrays (never hashed). */
final class Asset {
    final int assetId;
    final String symbol;
    final int scale;
    final int slot;
    long feesCollected;
    long totalDeposited;
    long totalWithdrawn;

    Asset(int assetId, String symbol, int scale, int slot) {
        this.assetId = assetId;
        this.symbol = symbol;
        this.scale = scale;
        this.slot = slot;
    }
}
