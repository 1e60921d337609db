import { invoiceTrackingPathOf } from '@hub/contracts';
import { maskUrl } from './ideris-notification-urls';

describe('Ideris notification URLs on a connection', () => {
  it.each([
    ['https://notifica.ideris.com.br/tiny/nf?token=abcdef123456', 'https://notifica.ideris.com.br/••••••••3456'],
    ['http://127.0.0.1:3100/ideris/notifications/0123456789abcdef/rastreio', 'http://127.0.0.1:3100/••••••••reio'],
    ['https://x.io/a', 'https://x.io/••••••••'],
    [null, null],
  ])('masks %s: the host stays readable, the token does not', (url, shown) => {
    expect(maskUrl(url)).toBe(shown);
  });

  it.each([
    [undefined, { invoice: true, tracking: true }, 'notification_urls'],
    [undefined, { invoice: true, tracking: false }, 'ideris_api'],
    [undefined, { invoice: false, tracking: false }, 'ideris_api'],
    ['ideris_api', { invoice: true, tracking: true }, 'ideris_api'],
    ['notification_urls', { invoice: true, tracking: true }, 'notification_urls'],
  ] as const)('setting %s with URLs %j → %s', (setting, urls, path) => {
    expect(invoiceTrackingPathOf(setting, urls)).toBe(path);
  });
});
