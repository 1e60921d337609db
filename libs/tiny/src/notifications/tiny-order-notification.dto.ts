import { Expose, Transform, Type } from 'class-transformer';
import { IsDefined, IsNumberString, IsOptional, IsString, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { toId } from '../tiny-coercion';
import type { TinyInvoiceLocator } from '../tiny-fiscal.models';
import { TinyDecimalField, TinyDigitsField, TinyIdField, TinyTextField } from './tiny-notification.transforms';

const TINY_DATE = /^\d{2}\/\d{2}\/\d{4}( \d{2}:\d{2}(:\d{2})?)?$/;
const NUMERIC_ID = { no_symbols: true } as const;

/** `tipo: "rastreio"` (versao 1.0.1) — tracking after a concluded grouping or a manual dispatch. */
export class TinyTrackingNotificationData {
  @TinyTextField() @IsOptional() @IsString() idEntregaEcommerce?: string;

  /** One PHP handler reads `dados.id` instead; that spelling is accepted as the order id. */
  @Expose()
  @Transform(({ obj }: { obj: Record<string, unknown> }) => toId(obj['idVendaTiny']) ?? toId(obj['id']) ?? emptyToUndefined(obj['idVendaTiny']))
  @IsNumberString(NUMERIC_ID, { message: 'idVendaTiny must be a numeric id' })
  idVendaTiny: string;

  @TinyIdField() @IsOptional() @IsNumberString(NUMERIC_ID) idNotaFiscalTiny?: string;
  @TinyTextField() @IsOptional() @IsString() idPedidoEcommerce?: string;

  @TinyTextField()
  @IsString({ message: 'codigoRastreio must be informed' })
  codigoRastreio: string;

  @TinyTextField() @IsOptional() @IsString() urlRastreio?: string;
  @TinyTextField() @IsOptional() @IsString() transportadora?: string;
  @TinyTextField() @IsOptional() @IsString() formaEnvio?: string;
  @TinyTextField() @IsOptional() @IsString() formaFrete?: string;
}

/**
 * `tipo: "nota_fiscal"` — an invoice authorised for an order of the integration. Senders of versao 1.0.0 leave
 * `idNotaFiscalTiny` out (contracts.md#tiny-nota-fiscal): the invoice is then found through `invoiceLocatorOf`
 * (order id, access key, number + series), so at least one of those must be there.
 */
export class TinyInvoiceNotificationData {
  @TinyIdField()
  @IsOptional()
  @IsNumberString(NUMERIC_ID, { message: 'idNotaFiscalTiny must be a numeric id' })
  idNotaFiscalTiny?: string;

  @TinyTextField() @IsOptional() @IsString() numero?: string;
  @TinyTextField() @IsOptional() @IsString() serie?: string;

  /** 44 digits; Tiny's screens group them in blocks of four, so separators are stripped. */
  @TinyDigitsField()
  @IsOptional()
  @Matches(/^\d{44}$/, { message: 'chaveAcesso must have 44 digits' })
  chaveAcesso?: string;

  @TinyTextField() @IsOptional() @IsString() urlDanfe?: string;

  @TinyTextField()
  @IsOptional()
  @Matches(TINY_DATE, { message: 'dataEmissao must be dd/mm/yyyy [hh:mm:ss]' })
  dataEmissao?: string;

  @TinyDecimalField() @IsOptional() @IsNumberString({ no_symbols: false }) valorNota?: string;
  @TinyTextField() @IsOptional() @IsString() idPedidoEcommerce?: string;
  @TinyIdField() @IsOptional() @IsNumberString(NUMERIC_ID) idVendaTiny?: string;

  /** Nothing to find the invoice by: no id, no order, no access key, no number. */
  @ValidateIf((dados: TinyInvoiceNotificationData) => !dados.idNotaFiscalTiny && !dados.idVendaTiny && !dados.chaveAcesso && !dados.numero)
  @IsDefined({ message: 'idNotaFiscalTiny, idVendaTiny, chaveAcesso or numero must be informed' })
  readonly locator?: never;
}

/** `tipo: "situacao_pedido"` — whether `situacao` carries a code or a description is unconfirmed; both are kept. */
export class TinyOrderSituationNotificationData {
  @TinyTextField() @IsOptional() @IsString() idPedidoEcommerce?: string;

  @TinyIdField()
  @IsNumberString(NUMERIC_ID, { message: 'idVendaTiny must be a numeric id' })
  idVendaTiny: string;

  @TinyTextField()
  @IsString({ message: 'situacao must be informed' })
  situacao: string;

  @TinyTextField() @IsOptional() @IsString() descricaoSituacao?: string;
}

export class TinyShippingMethodRef {
  @TinyTextField() @IsOptional() @IsString() id?: string;
  @TinyTextField() @IsOptional() @IsString() descricao?: string;
}

export class TinyOrderWebhookCustomer {
  @TinyTextField() @IsOptional() @IsString() nome?: string;
  @TinyDigitsField() @IsOptional() @IsNumberString(NUMERIC_ID) cpfCnpj?: string;
}

/** Account webhooks `inclusao_pedido` / `atualizacao_pedido` (official page `api2-webhooks-tiny`). */
export class TinyOrderWebhookData {
  @TinyIdField()
  @IsNumberString(NUMERIC_ID, { message: 'id must be a numeric id' })
  id: string;

  /** Arrives as text or number. */
  @TinyTextField()
  @IsOptional()
  @IsString()
  numero?: string;

  @TinyTextField()
  @IsOptional()
  @Matches(TINY_DATE, { message: 'data must be dd/mm/yyyy' })
  data?: string;

  @TinyTextField() @IsOptional() @IsString() idPedidoEcommerce?: string;
  @TinyTextField() @IsOptional() @IsString() codigoSituacao?: string;
  @TinyTextField() @IsOptional() @IsString() descricaoSituacao?: string;
  @TinyIdField() @IsOptional() @IsNumberString(NUMERIC_ID) idContato?: string;
  /** `"0"` until an invoice exists, even when the order already reads "faturado": undefined here. */
  @TinyIdField() @IsOptional() @IsNumberString(NUMERIC_ID) idNotaFiscal?: string;
  @TinyTextField() @IsOptional() @IsString() nomeEcommerce?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => TinyShippingMethodRef)
  formaEnvio?: TinyShippingMethodRef;

  @IsOptional()
  @ValidateNested()
  @Type(() => TinyOrderWebhookCustomer)
  cliente?: TinyOrderWebhookCustomer;
}

function emptyToUndefined(value: unknown): unknown {
  return value === '' || value === null ? undefined : value;
}

/** What a `nota_fiscal` notification names its invoice by, in our terms (its id may be missing: 1.0.0 senders). */
export function invoiceLocatorOf(dados: TinyInvoiceNotificationData): TinyInvoiceLocator {
  return {
    invoiceId: dados.idNotaFiscalTiny,
    orderId: dados.idVendaTiny,
    accessKey: dados.chaveAcesso,
    number: dados.numero,
    series: dados.serie,
    ecommerceOrderNumber: dados.idPedidoEcommerce,
  };
}
