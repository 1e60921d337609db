import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { EncryptionConfig } from '@hub/platform';
import { FiscalShippingConfig } from '../../apps/fiscal-shipping/src/fiscal-shipping.config';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config';

/** The variables a config class validates are the ones it reads: the deploy files' list must match them. */
function variablesOf(type: new () => object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))].sort();
}

describe('tools/deploy/env-vars.json', () => {
  const list = JSON.parse(readFileSync(join(__dirname, 'env-vars.json'), 'utf8')) as { common: string[]; gateway: string[]; 'fiscal-shipping': string[] };

  it('lists exactly what every hub service reads', () => {
    expect([...list.common].sort()).toEqual(variablesOf(EncryptionConfig));
  });

  it('lists exactly what the gateway reads on top', () => {
    expect([...list.common, ...list.gateway].sort()).toEqual(variablesOf(GatewayConfig));
  });

  it('lists exactly what fiscal-shipping reads on top', () => {
    expect([...list.common, ...list['fiscal-shipping']].sort()).toEqual(variablesOf(FiscalShippingConfig));
  });
});
