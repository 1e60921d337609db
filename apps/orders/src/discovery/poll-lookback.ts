/** How far back a connection's first poll reads; also how far back turning a marketplace account on re-queues its skipped orders. */
export const FIRST_POLL_LOOKBACK_MS = 24 * 60 * 60_000;
