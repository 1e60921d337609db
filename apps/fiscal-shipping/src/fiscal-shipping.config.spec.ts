import { ConfigError, loadConfig } from '@hub/platform';
import { FiscalShippingConfig } from './fiscal-shipping.config';

const KEY = 'a'.repeat(43) + '=';

describe('FiscalShippingConfig', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
  ])('IDERIS_URLS_ALLOW_PRIVATE=%s → %s', (value, expected) => {
    expect(loadConfig(FiscalShippingConfig, { HUB_ENCRYPTION_KEY: KEY, IDERIS_URLS_ALLOW_PRIVATE: value }).IDERIS_URLS_ALLOW_PRIVATE).toBe(expected);
  });

  it.each(['yes', '1', 'TRUE'])('refuses IDERIS_URLS_ALLOW_PRIVATE=%s, naming it', (value) => {
    expect(() => loadConfig(FiscalShippingConfig, { HUB_ENCRYPTION_KEY: KEY, IDERIS_URLS_ALLOW_PRIVATE: value })).toThrow(ConfigError);
    expect(() => loadConfig(FiscalShippingConfig, { HUB_ENCRYPTION_KEY: KEY, IDERIS_URLS_ALLOW_PRIVATE: value })).toThrow(/IDERIS_URLS_ALLOW_PRIVATE must be true or false/);
  });
});
