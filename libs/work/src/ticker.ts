/**
 * The one interval of the hub's loops and schedulers: runs `tick` every `everyMs` until stopped. A tick still running
 * when the next is due is skipped, unless `overlap` (the caller guards each item itself, so one slow item does not hold
 * the others back). `stop` waits for the ticks that are running.
 */
export class Ticker {
  private timer?: NodeJS.Timeout;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly tick: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly options: { overlap?: boolean } = {},
  ) {}

  get started(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    this.timer ??= setInterval(() => {
      if (!this.options.overlap && this.running.size > 0) return;
      const run: Promise<void> = this.tick().then(
        () => undefined,
        () => undefined,
      ).finally(() => this.running.delete(run));
      this.running.add(run);
    }, this.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.running]);
  }
}
