/**
 * Gathers the requests of concurrent callers into one call of `run` (one database round trip for many items):
 * requests made while a call is in flight queue up and go together in the next call, up to `max` at a time; a
 * single caller is served on the next turn of the event loop, so nothing waits for a timer. Calls never overlap
 * (one statement at a time per batcher, so two batches of one process never wait on each other's row locks).
 * Two requests with the same `keyOf` never share a call (a statement must not touch one row twice): the later
 * one goes in the next call, in the order asked. When a call of several items fails, each is tried alone, so one
 * bad item fails only its own caller.
 */
export class Batcher<T, R> {
  private queue: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly options: { max: number; keyOf?: (item: T) => string },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch: typeof this.queue = [];
        const rest: typeof this.queue = [];
        const keys = new Set<string>();
        for (const entry of this.queue) {
          const key = this.options.keyOf?.(entry.item);
          if (batch.length < this.options.max && (key === undefined || !keys.has(key))) {
            batch.push(entry);
            if (key !== undefined) keys.add(key);
          } else rest.push(entry);
        }
        this.queue = rest;
        await this.settle(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async settle(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.run(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => entry.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const entry of batch) await this.settle([entry]);
    }
  }
}
