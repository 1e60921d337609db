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

export const TinyNotificationEvents = {
  received: defineEvent('gateway.tiny-notification.*.v1', TinyNotificationReceivedV1),
} as const;
