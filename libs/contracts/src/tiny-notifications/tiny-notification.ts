import { IsIn, IsString, IsUUID } from 'class-validator';
import { defineEvent } from '../messaging/definitions';

/** Every `tipo` Tiny posts to the hub: e-commerce integration webhooks and the account's sales webhooks. */
export const TINY_NOTIFICATION_KINDS = [
  'estoque', 'produto', 'precos', 'rastreio', 'nota_fiscal', 'situacao_pedido', 'inclusao_pedido', 'atualizacao_pedido',
] as const;
export type TinyNotificationKind = (typeof TINY_NOTIFICATION_KINDS)[number];

/**
 * Kinds whose payload names one event (an invoice, a tracking code, a new order): a byte-identical
 * repeat is Tiny retrying, and is dropped at publish. Kinds that carry a state (a stock balance, a price,
 * a situation) are never de-duplicated by content: 5 → 4 → 5 is three real changes.
 */
export const TINY_KINDS_DEDUPLICATED_BY_CONTENT: readonly TinyNotificationKind[] = ['rastreio', 'nota_fiscal', 'inclusao_pedido', 'produto'];

export function tinyNotificationSubject(kind: TinyNotificationKind): string {
  return `gateway.tiny-notification.${kind}.v1`;
}

/** A Tiny webhook as the gateway received it: the raw body, untouched, plus where it came from. */
export class TinyNotificationReceivedV1 {
  @IsUUID()
  connectionId: string;

  @IsIn(TINY_NOTIFICATION_KINDS)
  kind: TinyNotificationKind;

  @IsString()
  receivedAt: string;

  /** The request body exactly as Tiny sent it (JSON text). */
  @IsString()
  rawBody: string;
}

/** What `@IsUUID()` accepts (validator's `all`). */
const UUID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/i;
const KINDS: ReadonlySet<string> = new Set(TINY_NOTIFICATION_KINDS);

/**
 * The decorators of `TinyNotificationReceivedV1` as one plain function (the same rules, a fraction of
 * class-validator's cost per message, for consumers on a hot path): the reasons it is invalid, none when valid.
 */
export function tinyNotificationReceivedProblems(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['payload must be an object'];
  const p = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p.connectionId !== 'string' || !UUID.test(p.connectionId)) problems.push('connectionId must be a UUID');
  if (typeof p.kind !== 'string' || !KINDS.has(p.kind)) problems.push(`kind must be one of the following values: ${TINY_NOTIFICATION_KINDS.join(', ')}`);
  if (typeof p.receivedAt !== 'string') problems.push('receivedAt must be a string');
  if (typeof p.rawBody !== 'string') problems.push('rawBody must be a string');
  return problems;
}

export const TinyNotificationEvents = {
  received: defineEvent('gateway.tiny-notification.*.v1', TinyNotificationReceivedV1),
} as const;
