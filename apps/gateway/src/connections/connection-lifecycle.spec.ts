import { nextSituation, type LifecycleCommand } from './connection-lifecycle';
import type { ConnectionSituation } from '@hub/contracts';

type Row = [ConnectionSituation | undefined, LifecycleCommand, ConnectionSituation | `refused ${409 | 422}`];

const rows: Row[] = [
  [undefined, { type: 'create', credentialsComplete: false }, 'not_installed'],
  [undefined, { type: 'create', credentialsComplete: true }, 'not_configured'],
  ['not_installed', { type: 'verified-fields-changed', credentialsComplete: true }, 'not_configured'],
  ['not_installed', { type: 'verified-fields-changed', credentialsComplete: false }, 'not_installed'],
  ['active', { type: 'verified-fields-changed', credentialsComplete: true }, 'not_configured'],
  ['inactive', { type: 'verified-fields-changed', credentialsComplete: true }, 'not_configured'],
  ['active', { type: 'verified-fields-changed', credentialsComplete: false }, 'not_installed'],
  ['not_installed', { type: 'activate', credentialsComplete: false, verificationPassed: false }, 'refused 409'],
  ['not_configured', { type: 'activate', credentialsComplete: true, verificationPassed: false }, 'refused 422'],
  ['not_configured', { type: 'activate', credentialsComplete: true, verificationPassed: true }, 'active'],
  ['inactive', { type: 'activate', credentialsComplete: true, verificationPassed: true }, 'active'],
  ['inactive', { type: 'activate', credentialsComplete: true, verificationPassed: false }, 'refused 422'],
  ['active', { type: 'activate', credentialsComplete: true, verificationPassed: true }, 'active'],
  ['active', { type: 'deactivate' }, 'inactive'],
  ['inactive', { type: 'deactivate' }, 'inactive'],
  ['not_configured', { type: 'deactivate' }, 'refused 409'],
  ['not_installed', { type: 'deactivate' }, 'refused 409'],
];

describe('connection lifecycle', () => {
  it.each(rows)('%s + %j → %s', (current, command, expected) => {
    const outcome = nextSituation(current, command);
    if (expected.startsWith('refused')) {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(`refused ${outcome.status}`).toBe(expected);
        expect(outcome.reason.length).toBeGreaterThan(10);
      }
    } else {
      expect(outcome).toEqual({ ok: true, situation: expected });
    }
  });
});
