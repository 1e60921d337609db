/** What a typed API client asks of the budget for one outbound call. */
export interface GatedCall {
  /** Script or path, for metrics and logs. */
  label: string;
  /** Tiny counts product and contact writes against a separate 5-per-minute bucket as well. */
  cost?: 'call' | 'batch';
  /** Recognises the provider's block signal (Tiny 6/11, Ideris 429) and says how long to pause the account. */
  blockOf?(error: unknown): { pauseMs: number; reason: string } | undefined;
  /** The per-minute limit the provider announced on the last answer (Tiny's x-limit-api). */
  observedLimitPerMinute?(): number | undefined;
}

/**
 * The one door every outbound Tiny/Ideris call goes through. A block signal never reaches the caller:
 * the gate pauses the account and runs the call again when the budget allows.
 */
export interface CallGate {
  run<T>(request: GatedCall, call: () => Promise<T>): Promise<T>;
}

/** A gate that lets everything through (credential checks at activation, tests of the bare client). */
export const OPEN_GATE: CallGate = { run: (_request, call) => call() };
