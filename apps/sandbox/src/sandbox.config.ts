export interface SandboxConfig {
  /** Lifetime of the JWTs issued by the Ideris login: 8 h, as real v3 tokens (exp − iat = 28,800 s, docs/contracts.md#ideris-login). */
  iderisTokenTtlSeconds: number;
  /** Secret the sandbox signs its Ideris JWTs with; clients never verify it. */
  iderisJwtSecret: string;
  /** Writes one JSON line per request to stdout. */
  logRequests: boolean;
  /** Default multiplier of Tiny's webhook retry delays (1 = real time; tests use e.g. 0.001). */
  webhookTimeScale: number;
  now: () => number;
}

export const SANDBOX_CONFIG = Symbol('SANDBOX_CONFIG');

export const DEFAULT_SANDBOX_CONFIG: SandboxConfig = {
  iderisTokenTtlSeconds: 8 * 60 * 60,
  iderisJwtSecret: 'sandbox-ideris-secret',
  logRequests: true,
  webhookTimeScale: 1,
  now: () => Date.now(),
};
