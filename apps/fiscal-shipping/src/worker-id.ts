import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Names this process in claims, so a claim held by a crashed process is recognisable and runs out. */
export const WORKER_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** How long a claim on an invoice or a tracking row lasts: longer than a send, short enough after a crash. */
export const CLAIM_MS = 120_000;
