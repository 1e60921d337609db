import { AuthThrottle } from './auth-throttle';

describe('AuthThrottle', () => {
  const limits = { windowMs: 60_000, freeFailures: 5, baseDelayMs: 200, maxDelayMs: 5_000, blockAfter: 30, maxTracked: 100 };
  const make = () => {
    let now = 1_000_000;
    const throttle = new AuthThrottle(() => now, limits);
    return { throttle, advance: (ms: number) => (now += ms) };
  };

  it.each([
    [0, { action: 'pass' }],
    [4, { action: 'pass' }],
    [5, { action: 'delay', ms: 200 }],
    [6, { action: 'delay', ms: 400 }],
    [9, { action: 'delay', ms: 3200 }],
    [12, { action: 'delay', ms: 5000 }],
    [30, { action: 'block', retryAfterSeconds: 60 }],
  ])('after %i failures in a minute: %j', (failures, verdict) => {
    const { throttle } = make();
    for (let i = 0; i < failures; i++) throttle.failed('10.0.0.1');
    expect(throttle.verdict('10.0.0.1')).toEqual(verdict);
  });

  it('forgets failures older than the window and keeps addresses apart', () => {
    const { throttle, advance } = make();
    for (let i = 0; i < 8; i++) throttle.failed('a');
    expect(throttle.verdict('b')).toEqual({ action: 'pass' });
    advance(61_000);
    expect(throttle.verdict('a')).toEqual({ action: 'pass' });
  });
});
