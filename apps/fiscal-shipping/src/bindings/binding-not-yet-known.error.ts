/** The order's binding is not known here yet: the runner retries with growing delays, then parks with this reason. */
export class BindingNotYetKnownError extends Error {
  readonly kind = 'waiting-binding';

  constructor(message: string) {
    super(message);
    this.name = 'BindingNotYetKnownError';
  }
}
