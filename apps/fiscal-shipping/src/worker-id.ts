import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Names this process in claims, so a claim held by a crashed process is recognisable and runs out. */
export const WORKER_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * When a send (`sending`, committed before the Ideris call) is looked at again if nothing confirms it: after the
 * claim of a writer that died has run out.
 */
export function unconfirmedSendRecheckAt(claimMs: number, now = Date.now()): Date {
  return new Date(now + claimMs + 5_000);
}

let claims = 0;

/**
 * A claimant for one piece of work. Unique per call, not per process: a notification, its duplicate, the
 * scheduler and an admin call run concurrently in one process, and each must exclude the others.
 */
export function newClaimant(): string {
  claims += 1;
  return `${WORKER_ID}:${claims}`;
}
