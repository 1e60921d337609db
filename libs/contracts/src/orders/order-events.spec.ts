import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { OrderImportRequestedV1, orderImportRequestedProblems } from './order-events';

const valid = { connectionId: '3f1c2b9e-8a7d-4c3b-9e2f-1a2b3c4d5e6f', iderisOrderId: 123456, trigger: 'discovery' };
const cases: unknown[] = [
  valid,
  { ...valid, connectionId: 'not-a-uuid' },
  { ...valid, connectionId: '3f1c2b9e-8a7d-9c3b-9e2f-1a2b3c4d5e6f' },
  { ...valid, connectionId: 42 },
  { ...valid, iderisOrderId: 1.5 },
  { ...valid, iderisOrderId: '123' },
  { ...valid, iderisOrderId: Number.NaN },
  { ...valid, iderisOrderId: Number.POSITIVE_INFINITY },
  { ...valid, trigger: 5 },
  { ...valid, trigger: undefined },
  { connectionId: valid.connectionId },
  {},
  { ...valid, extra: 'ignored' },
];

describe('orderImportRequestedProblems', () => {
  it.each(cases.map((c) => [JSON.stringify(c), c]))('agrees with the class decorators on %s', (_name, raw) => {
    const byDecorators = validateSync(plainToInstance(OrderImportRequestedV1, raw as object), { forbidUnknownValues: false });
    const byCheck = orderImportRequestedProblems(raw);
    expect(byCheck.length).toBe(byDecorators.length);
  });

  it('refuses what is not an object', () => {
    expect(orderImportRequestedProblems(null)).not.toHaveLength(0);
    expect(orderImportRequestedProblems([])).not.toHaveLength(0);
    expect(orderImportRequestedProblems('x')).not.toHaveLength(0);
  });
});
