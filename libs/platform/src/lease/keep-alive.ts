/**
 * Renews a lease or claim every third of its length while its holder works (a failed renewal is ignored: the next
 * one tries again, and a lease that lapses lets another worker take over). Returns the function that stops it.
 */
export function keepAlive(renew: () => Promise<unknown>, leaseMs: number): () => void {
  const timer = setInterval(() => void renew().catch(() => undefined), leaseMs / 3);
  timer.unref();
  return () => clearInterval(timer);
}
