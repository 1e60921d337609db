import { TINY_NOTIFICATION_KINDS, type TinyNotificationKind } from '@hub/contracts';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { IsIn, IsNumberString, IsOptional, IsString, validateSync, type ValidationError } from 'class-validator';
import { isRecord } from '../tiny-coercion';
import { TinyPriceNotificationData, TinyProductNotificationData, TinyStockNotificationData } from './tiny-catalog-notification.dto';
import { TinyDigitsField, TinyIdField, TinyTextField } from './tiny-notification.transforms';
import {
  TinyInvoiceNotificationData,
  TinyOrderSituationNotificationData,
  TinyOrderWebhookData,
  TinyTrackingNotificationData,
} from './tiny-order-notification.dto';

/** `{versao, cnpj, idEcommerce?, tipo, dados}`; account webhooks carry no `idEcommerce`. */
export class TinyNotificationEnvelope {
  @TinyTextField() @IsOptional() @IsString() versao?: string;

  @TinyDigitsField()
  @IsNumberString({ no_symbols: true }, { message: 'cnpj is missing from the notification' })
  cnpj: string;

  @TinyIdField() @IsOptional() @IsNumberString({ no_symbols: true }) idEcommerce?: string;

  @IsIn(TINY_NOTIFICATION_KINDS, { message: `tipo must be one of ${TINY_NOTIFICATION_KINDS.join(', ')}` })
  tipo: TinyNotificationKind;
}

export interface TinyNotificationDataByKind {
  estoque: TinyStockNotificationData;
  produto: TinyProductNotificationData;
  precos: TinyPriceNotificationData;
  rastreio: TinyTrackingNotificationData;
  nota_fiscal: TinyInvoiceNotificationData;
  situacao_pedido: TinyOrderSituationNotificationData;
  inclusao_pedido: TinyOrderWebhookData;
  atualizacao_pedido: TinyOrderWebhookData;
}

const DATA_CLASS: { [K in TinyNotificationKind]: ClassConstructor<TinyNotificationDataByKind[K]> } = {
  estoque: TinyStockNotificationData,
  produto: TinyProductNotificationData,
  precos: TinyPriceNotificationData,
  rastreio: TinyTrackingNotificationData,
  nota_fiscal: TinyInvoiceNotificationData,
  situacao_pedido: TinyOrderSituationNotificationData,
  inclusao_pedido: TinyOrderWebhookData,
  atualizacao_pedido: TinyOrderWebhookData,
};

export type TinyNotification =
  | { [K in TinyNotificationKind]: { kind: K; envelope: TinyNotificationEnvelope; dados: TinyNotificationDataByKind[K] } }[TinyNotificationKind]
  /** Tiny posts an empty body to check a URL when it is saved; answer 200 and do nothing. */
  | { kind: 'ping' };

export class TinyNotificationError extends Error {
  constructor(
    readonly reasons: string[],
    readonly tipo?: string,
  ) {
    super(`invalid Tiny notification${tipo ? ` (${tipo})` : ''}: ${reasons.join('; ')}`);
    this.name = 'TinyNotificationError';
  }
}

export type TinyNotificationResult = { ok: true; notification: TinyNotification } | { ok: false; error: TinyNotificationError };

/** Parses and validates one notification body exactly as received (ids/numbers coerced, decimals canonical). */
export function parseTinyNotification(rawBody: string): TinyNotificationResult {
  if (rawBody.trim() === '') return { ok: true, notification: { kind: 'ping' } };
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return failure(['body is not valid JSON']);
  }
  if (isRecord(body) && Object.keys(body).length === 0) return { ok: true, notification: { kind: 'ping' } };
  if (!isRecord(body)) return failure(['body must be a JSON object with cnpj, tipo and dados']);

  const envelope = plainToInstance(TinyNotificationEnvelope, body);
  const reasons = flatten(validateSync(envelope));
  const tipo = typeof body['tipo'] === 'string' ? body['tipo'] : undefined;
  if (!isRecord(body['dados'])) reasons.push('dados must be an object');
  if (reasons.length > 0 || !isRecord(body['dados'])) return failure(reasons, tipo);

  const dados = plainToInstance(DATA_CLASS[envelope.tipo] as ClassConstructor<object>, body['dados']);
  const dataReasons = flatten(validateSync(dados), 'dados');
  if (dataReasons.length > 0) return failure(dataReasons, tipo);
  return { ok: true, notification: { kind: envelope.tipo, envelope, dados } as TinyNotification };
}

function failure(reasons: string[], tipo?: string): TinyNotificationResult {
  return { ok: false, error: new TinyNotificationError(reasons, tipo) };
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
