import { TINY_NOTIFICATION_KINDS, type TinyNotificationKind } from '@hub/contracts';

export interface ConnectionForWebhook {
  cnpj: string | null;
  tinyIntegrationId: number | null;
}

export type EnvelopeCheck =
  | { ok: true; kind: TinyNotificationKind }
  | { ok: false; status: 400 | 422; reason: string };

/**
 * Checks the envelope Tiny wraps every notification in (`cnpj`, `idEcommerce`, `tipo`, `dados`) against the
 * connection the URL names. Tiny signs nothing, so this and the URL secret are all the authentication
 * there is. Ids may come as strings or numbers.
 */
export function checkTinyEnvelope(body: unknown, connection: ConnectionForWebhook, kindInUrl?: string): EnvelopeCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, status: 400, reason: 'body must be a JSON object with cnpj, tipo and dados' };
  }
  const envelope = body as Record<string, unknown>;
  const tipo = envelope['tipo'];
  if (typeof tipo !== 'string' || !(TINY_NOTIFICATION_KINDS as readonly string[]).includes(tipo)) {
    return { ok: false, status: 422, reason: `unknown notification tipo ${JSON.stringify(tipo)}; expected one of ${TINY_NOTIFICATION_KINDS.join(', ')}` };
  }
  if (kindInUrl !== undefined && kindInUrl !== tipo) {
    return { ok: false, status: 422, reason: `this URL receives "${kindInUrl}" notifications, but the body says tipo "${tipo}"` };
  }
  const cnpj = typeof envelope['cnpj'] === 'string' || typeof envelope['cnpj'] === 'number' ? String(envelope['cnpj']).replace(/\D/g, '') : '';
  if (!cnpj) return { ok: false, status: 422, reason: 'cnpj is missing from the notification' };
  if (connection.cnpj && cnpj !== connection.cnpj) {
    return { ok: false, status: 422, reason: 'the notification cnpj does not match this connection' };
  }
  const rawId = envelope['idEcommerce'];
  if (rawId !== undefined && rawId !== null && rawId !== '' && connection.tinyIntegrationId !== null) {
    if (Number(rawId) !== connection.tinyIntegrationId) {
      return { ok: false, status: 422, reason: `idEcommerce ${String(rawId)} does not match this connection's Tiny integration` };
    }
  }
  if (!('dados' in envelope) || typeof envelope['dados'] !== 'object' || envelope['dados'] === null) {
    return { ok: false, status: 422, reason: 'dados is missing from the notification' };
  }
  return { ok: true, kind: tipo as TinyNotificationKind };
}
