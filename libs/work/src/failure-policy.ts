import { Backoff } from './backoff';
import { describeError, PermanentError } from './work-errors';

/**
 * What a failed attempt means for its item, decided in one place for every flow and for the consumer runner:
 * - `retry`: a passing fault (timeout, 5xx, a block the budget could not absorb); again after the backoff;
 * - `wait`: something outside the item must change first (Tiny in maintenance, credentials, another worker's
 *   claim); again after the backoff, shown as waiting;
 * - `refuse`: the other side said no and asking again gets the same answer; the item ends with that outcome;
 * - `park`: an operator must look (bad data, or the attempts are used up).
 */
export type FailureAction = 'retry' | 'wait' | 'refuse' | 'park';

export interface FailureVerdict {
  action: FailureAction;
  /** The error's kind (`transient`, `maintenance`, `auth`, `validation`, …). */
  kind: string;
  /** A refusal's code from the flow's table (`unknown-sku`, `refused`); the kind otherwise. */
  code: string;
  /** The error's message (`Name: message`), for the item's journal and logs. */
  reason: string;
  /** The bare message, for what an operator reads on the item (`last_error`, a problem's detail). */
  detail: string;
  /** `retry` and `wait`: how long until the next attempt; 0 otherwise. */
  delayMs: number;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * One line of a flow's refusals: an error of this class (with one of these kinds, or any) is a refusal. `code`
 * names it for the flow (default: the error's kind).
 */
export interface Refusal {
  error: ErrorClass;
  kinds?: readonly string[];
  code?: string;
}

export interface FailurePolicyOptions {
  backoff: Backoff;
  /** Attempts before a retrying or waiting item is parked; default: never (work that must converge, like stock). */
  maxAttempts?: number;
  refusals?: readonly Refusal[];
}

/** Kinds that clear by themselves or by an operator fixing the connection, not by trying the same call soon (`busy`: `BusyError`). */
const WAIT_KINDS: ReadonlySet<string> = new Set(['maintenance', 'auth', 'busy']);

/** The classifier: one backoff, an attempt limit and a flow's refusals; the rest of the rules are the same for all. */
export class FailurePolicy {
  readonly backoff: Backoff;
  readonly maxAttempts: number;
  private readonly refusals: readonly Refusal[];

  constructor(options: FailurePolicyOptions) {
    this.backoff = options.backoff;
    this.maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
    this.refusals = options.refusals ?? [];
  }

  /** A consumer's policy: its `retryDelaysMs` and `maxAttempts` (what the consumer runner applies). */
  static forConsumer(consumer: { retryDelaysMs: readonly number[]; maxAttempts: number }, refusals: readonly Refusal[] = []): FailurePolicy {
    return new FailurePolicy({ backoff: Backoff.steps(consumer.retryDelaysMs), maxAttempts: consumer.maxAttempts, refusals });
  }

  /** The same schedule and limit with a flow's own refusals added. */
  withRefusals(refusals: readonly Refusal[]): FailurePolicy {
    return new FailurePolicy({ backoff: this.backoff, maxAttempts: this.maxAttempts, refusals: [...this.refusals, ...refusals] });
  }

  /** The flow's refusal `error` is, if it is one (its code), whatever the attempt. */
  refusal(error: unknown): string | undefined {
    const { kind } = describeError(error);
    const refusal = this.refusals.find((r) => error instanceof r.error && (!r.kinds || r.kinds.includes(kind)));
    return refusal ? (refusal.code ?? kind) : undefined;
  }

  /** What the `attempt`-th failed attempt (1-based) means. */
  classify(error: unknown, attempt: number): FailureVerdict {
    const { message, kind } = describeError(error);
    const detail = error instanceof Error ? error.message : String(error);
    const verdict = (action: FailureAction, code = kind): FailureVerdict => ({ action, kind, code, reason: message, detail, delayMs: 0 });
    if (error instanceof PermanentError) return verdict('park');
    const refused = this.refusal(error);
    if (refused !== undefined) return verdict('refuse', refused);
    if (attempt >= this.maxAttempts) return { ...verdict('park'), reason: `gave up after ${attempt} attempts: ${message}` };
    const action = WAIT_KINDS.has(kind) ? 'wait' : 'retry';
    return { ...verdict(action), delayMs: this.backoff.delayMs(attempt) };
  }
}
