import type { ConnectionSituation } from '@hub/contracts';

/**
 * The situations of the native integration: not installed (created, nothing to verify) → not configured
 * (credentials stored, not verified) → active (verified by a real call to each API) ⇄ inactive (kept, no
 * sync). Any change to what was verified sends the connection back to not configured.
 */
export type LifecycleCommand =
  | { type: 'create'; credentialsComplete: boolean }
  | { type: 'verified-fields-changed'; credentialsComplete: boolean }
  | { type: 'activate'; credentialsComplete: boolean; verificationPassed: boolean }
  | { type: 'deactivate' };

export type LifecycleOutcome = { ok: true; situation: ConnectionSituation } | { ok: false; reason: string; status: 409 | 422 };

export function nextSituation(current: ConnectionSituation | undefined, command: LifecycleCommand): LifecycleOutcome {
  switch (command.type) {
    case 'create':
      return { ok: true, situation: command.credentialsComplete ? 'not_configured' : 'not_installed' };
    case 'verified-fields-changed':
      return { ok: true, situation: command.credentialsComplete ? 'not_configured' : 'not_installed' };
    case 'activate':
      if (!command.credentialsComplete) {
        return { ok: false, status: 409, reason: 'the connection needs a Tiny token, an Ideris private key and the seller CNPJ before it can be activated' };
      }
      if (!command.verificationPassed) {
        return { ok: false, status: 422, reason: 'credential verification failed; the connection was not activated' };
      }
      return { ok: true, situation: 'active' };
    case 'deactivate':
      if (current === 'active' || current === 'inactive') return { ok: true, situation: 'inactive' };
      return { ok: false, status: 409, reason: `only an active connection can be deactivated (this one is ${current ?? 'unknown'})` };
  }
}
