import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredSettings as variablesOf, EncryptionConfig } from '@hub/platform';
import { CatalogSettings } from '../../apps/catalog/src/catalog.settings';
import { OrdersSettings } from '../../apps/orders/src/orders.settings';
import { StatusSyncSettings } from '../../apps/status-sync/src/status-sync.settings';
import { FiscalShippingConfig } from '../../apps/fiscal-shipping/src/fiscal-shipping.config';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config';

/** The variables a config or settings class validates are the ones it reads: the deploy files' list must match them. */

describe('tools/deploy/env-vars.json', () => {
  const list = JSON.parse(readFileSync(join(__dirname, 'env-vars.json'), 'utf8')) as Record<'common' | 'gateway' | 'fiscal-shipping' | 'orders' | 'catalog' | 'status-sync', string[]>;

  it('lists exactly what every hub service reads', () => {
    expect([...list.common].sort()).toEqual(variablesOf(EncryptionConfig));
  });

  it('lists exactly what the gateway reads on top', () => {
    expect([...list.common, ...list.gateway].sort()).toEqual(variablesOf(GatewayConfig));
  });

  it('lists exactly what fiscal-shipping reads on top', () => {
    expect([...list.common, ...list['fiscal-shipping']].sort()).toEqual(variablesOf(FiscalShippingConfig));
  });

  it.each([
    ['orders', OrdersSettings],
    ['catalog', CatalogSettings],
    ['status-sync', StatusSyncSettings],
  ] as const)('lists exactly what %s reads on top (its settings class)', (service, settings) => {
    expect([...list[service]].sort()).toEqual(variablesOf(settings));
  });
});
