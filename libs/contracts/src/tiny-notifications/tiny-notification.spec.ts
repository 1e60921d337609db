import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { TinyNotificationReceivedV1, tinyNotificationReceivedProblems } from './tiny-notification';

const valid = { connectionId: '3f1c2b9e-8a7d-4c3b-9e2f-1a2b3c4d5e6f', kind: 'estoque', receivedAt: '2026-12-03T10:00:00.000Z', rawBody: '{}' };
const cases: unknown[] = [
  valid,
  { ...valid, connectionId: 'not-a-uuid' },
  { ...valid, connectionId: '3f1c2b9e-8a7d-9c3b-9e2f-1a2b3c4d5e6f' },
  { ...valid, connectionId: 42 },
  { ...valid, kind: 'outro' },
  { ...valid, receivedAt: 5 },
  { ...valid, rawBody: undefined },
  { connectionId: valid.connectionId },
  { ...valid, extra: 'ignored' },
];

describe('tinyNotificationReceivedProblems', () => {
  it.each(cases.map((c) => [JSON.stringify(c), c]))('agrees with the class decorators on %s', (_name, raw) => {
    const byDecorators = validateSync(plainToInstance(TinyNotificationReceivedV1, raw as object), { forbidUnknownValues: false });
    const byCheck = tinyNotificationReceivedProblems(raw);
    expect(byCheck.length > 0).toBe(byDecorators.length > 0);
    expect(byCheck.length).toBe(byDecorators.length);
  });

  it('refuses what is not an object', () => {
    expect(tinyNotificationReceivedProblems(null)).not.toHaveLength(0);
    expect(tinyNotificationReceivedProblems([])).not.toHaveLength(0);
    expect(tinyNotificationReceivedProblems('x')).not.toHaveLength(0);
  });
});
