import { decodeRef, encodeRef, parkedMessageKey, serviceOfRef } from './work-ref';

describe('work refs', () => {
  it.each([
    ['orders', 'a1b2', '12345', 'orders'],
    ['stock', 'a1b2', 'problem:CAM~AZ/M 1', 'catalog'],
    ['invoices', 'a1b2', '998', 'fiscal-shipping'],
    ['messages', null, parkedMessageKey('status-sync', 'f00'), 'status-sync'],
  ] as const)('%s %s %s round-trips, URL-safe, owned by %s', (flow, connectionId, key, service) => {
    const ref = encodeRef(flow, connectionId, key);
    expect(ref).toMatch(/^[A-Za-z0-9\-_.!*'()~%]+$/);
    const decoded = decodeRef(ref)!;
    expect(decoded).toEqual({ flow, connectionId, key });
    expect(serviceOfRef(decoded)).toBe(service);
  });

  it.each(['', 'orders~x', 'nope~c~k', 'orders~c~', 'orders~c~%E0%A4%A', 'a~b~c~d'])('rejects %j', (ref) => {
    expect(decodeRef(ref)).toBeUndefined();
  });

  it('a parked message names its service, else no service', () => {
    expect(serviceOfRef({ flow: 'messages', connectionId: null, key: 'gateway:1' })).toBeUndefined();
  });
});
