import type { TinyExpedition } from '@hub/tiny';
import { trackingReadiness } from './tracking-readiness';

const concludedPlp: TinyExpedition = {
  id: '10',
  objectId: '5',
  objectType: 'venda',
  groupingId: '90',
  groupingType: 'PLP',
  groupingConcluded: true,
  shippingMethod: 'C',
  trackingCode: 'QB000000010BR',
  trackingUrl: 'https://rastreamento.correios.com.br/app/index.php?objetos=QB000000010BR',
};

describe('trackingReadiness', () => {
  it('is ready for Correios with a concluded PLP', () => {
    expect(trackingReadiness(concludedPlp, { freightService: 'SEDEX' })).toEqual({
      ready: true,
      groupingId: '90',
      groupingType: 'PLP',
      shipment: { trackingCode: 'QB000000010BR', trackingUrl: concludedPlp.trackingUrl, carrier: 'Correios', shippingMethod: 'Correios', freightService: 'SEDEX' },
    });
  });

  it('is ready for a named carrier with a concluded coleta', () => {
    const readiness = trackingReadiness({ ...concludedPlp, shippingMethod: 'T', carrier: 'Jadlog', groupingType: 'Coleta', trackingCode: 'TR10', trackingUrl: undefined }, { trackingUrl: 'https://x/TR10' });
    expect(readiness).toMatchObject({ ready: true, shipment: { trackingCode: 'TR10', carrier: 'Jadlog', shippingMethod: 'Transportadora', trackingUrl: 'https://x/TR10' } });
  });

  it.each([
    ['no carrier (other shipping method)', { ...concludedPlp, shippingMethod: 'X' }, {}, 'no-carrier', /no carrier \(shipping method X\)/],
    ['no carrier (nothing set)', undefined, {}, 'no-carrier', /shipping method not set/],
    ['a transportadora without a name', { ...concludedPlp, shippingMethod: 'T', carrier: undefined }, {}, 'no-carrier', /no carrier is named/],
    ['no expedition', undefined, { shippingMethod: 'C' }, 'no-expedition', /no expedition/],
    ['no grouping', { ...concludedPlp, groupingId: undefined, groupingConcluded: undefined }, {}, 'no-grouping', /no PLP \(Correios\)/],
    ['a coleta not concluded', { ...concludedPlp, shippingMethod: 'T', carrier: 'Jadlog', groupingConcluded: false }, {}, 'grouping-not-concluded', /coleta 90 is not concluded/],
    ['no tracking code', { ...concludedPlp, trackingCode: undefined }, {}, 'no-tracking-code', /no tracking code/],
  ])('waits when there is %s', (_name, expedition, notice, code, reason) => {
    const readiness = trackingReadiness(expedition as TinyExpedition | undefined, notice);
    expect(readiness.ready).toBe(false);
    if (!readiness.ready) {
      expect(readiness.code).toBe(code);
      expect(readiness.reason).toMatch(reason);
    }
  });

  it("prefers Tiny's expedition over the notification, and falls back to the notification's code", () => {
    expect(trackingReadiness({ ...concludedPlp, trackingCode: undefined }, { trackingCode: 'QB1BR', shippingMethod: 'T' })).toMatchObject({ ready: true, shipment: { trackingCode: 'QB1BR', shippingMethod: 'Correios' } });
  });
});
