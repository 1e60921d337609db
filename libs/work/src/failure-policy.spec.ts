import { Backoff } from './backoff';
import { FailurePolicy } from './failure-policy';
import { BusyError, PermanentError } from './work-errors';

class ApiError extends Error {
  constructor(readonly kind: string) {
    super(`api: ${kind}`);
    this.name = 'ApiError';
  }
}
class OtherApiError extends ApiError {}

const policy = new FailurePolicy({ backoff: Backoff.steps([1_000, 5_000]), maxAttempts: 3, refusals: [{ error: ApiError, kinds: ['validation'], code: 'refused' }] });

describe('FailurePolicy', () => {
  it.each([
    ['a transient error', new ApiError('transient'), 'retry', 'transient'],
    ['a rate limit the budget could not absorb', new ApiError('rate-limited'), 'retry', 'rate-limited'],
    ['an error with no kind', new Error('socket hang up'), 'retry', 'transient'],
    ['maintenance', new ApiError('maintenance'), 'wait', 'maintenance'],
    ['credentials', new ApiError('auth'), 'wait', 'auth'],
    ['another worker’s claim', new BusyError('held'), 'wait', 'busy'],
    ['the flow’s refusal', new ApiError('validation'), 'refuse', 'refused'],
    ['a refusal of a subclass', new OtherApiError('validation'), 'refuse', 'refused'],
    ['a kind the flow does not refuse', new ApiError('not-found'), 'retry', 'not-found'],
    ['bad data', new PermanentError('no such order', 'unknown-order'), 'park', 'unknown-order'],
  ])('%s on attempt 1: %s', (_, error, action, code) => {
    const verdict = policy.classify(error, 1);
    expect(verdict).toMatchObject({ action, code, delayMs: action === 'retry' || action === 'wait' ? 1_000 : 0 });
  });

  it('waits the schedule’s step for the attempt', () => {
    expect(policy.classify(new ApiError('auth'), 2)).toMatchObject({ action: 'wait', delayMs: 5_000 });
  });

  it('parks a retrying or waiting item once its attempts are used up, but refuses a refusal whatever the attempt', () => {
    expect(policy.classify(new ApiError('maintenance'), 3)).toMatchObject({ action: 'park', kind: 'maintenance', reason: 'gave up after 3 attempts: ApiError: api: maintenance' });
    expect(policy.classify(new ApiError('validation'), 3)).toMatchObject({ action: 'refuse' });
  });

  it('never gives up without an attempt limit', () => {
    const converging = new FailurePolicy({ backoff: Backoff.doubling(2_000, 300_000) });
    expect(converging.classify(new ApiError('transient'), 10_000)).toMatchObject({ action: 'retry', delayMs: 300_000 });
  });

  it('takes a consumer’s delays and attempts, and a flow adds its refusals to them', () => {
    const consumer = FailurePolicy.forConsumer({ retryDelaysMs: [2_000, 10_000], maxAttempts: 8 });
    expect(consumer.classify(new ApiError('validation'), 1)).toMatchObject({ action: 'retry', delayMs: 2_000 });
    const flow = consumer.withRefusals([{ error: ApiError, kinds: ['validation'] }]);
    expect(flow.classify(new ApiError('validation'), 1)).toMatchObject({ action: 'refuse', code: 'validation' });
    expect(flow.refusal(new ApiError('transient'))).toBeUndefined();
    expect(flow.classify(new ApiError('transient'), 8)).toMatchObject({ action: 'park' });
  });
});
