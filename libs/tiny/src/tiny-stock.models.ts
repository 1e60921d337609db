import { isRecord, toDecimalString, toFlag, toId, toText, unwrapList } from './tiny-coercion';

export interface TinyDepositBalance {
  name: string;
  balance: string;
  /** Deposits flagged "desconsiderar" do not count in the product's total. */
  ignored: boolean;
}

export interface TinyProductStock {
  productId: string;
  sku?: string;
  name?: string;
  balance: string;
  reserved: string;
  deposits: TinyDepositBalance[];
}

export type TinyStockMovement = 'E' | 'S' | 'B';

export interface TinyStockUpdate {
  productId: string;
  /** E entry, S exit, B balance (absolute, idempotent on retry). */
  type: TinyStockMovement;
  quantity: string | number;
  deposit?: string;
  notes?: string;
}

export interface TinyStockUpdateResult {
  balance?: string;
  reserved?: string;
  movementCreated?: boolean;
}

export interface TinyProductSummary {
  id: string;
  sku?: string;
  name?: string;
  price?: string;
  gtin?: string;
  /** `A` active, `I` inactive. */
  situation?: string;
}

export function mapTinyProductStock(value: unknown): TinyProductStock | undefined {
  if (!isRecord(value)) return undefined;
  const productId = toId(value['id']);
  if (!productId) return undefined;
  return {
    productId,
    sku: toText(value['codigo']),
    name: toText(value['nome']),
    balance: toDecimalString(value['saldo']) ?? '0',
    reserved: toDecimalString(value['saldoReservado']) ?? '0',
    deposits: unwrapList(value['depositos'], 'deposito').map((deposit) => ({
      name: toText(deposit['nome']) ?? '',
      balance: toDecimalString(deposit['saldo']) ?? '0',
      ignored: toFlag(deposit['desconsiderar']) ?? false,
    })),
  };
}

/** `produto.atualizar.estoque` takes `{"estoque": {…}}` in the `estoque` form field. */
export function toTinyStockDocument(update: TinyStockUpdate): string {
  return JSON.stringify({
    estoque: {
      idProduto: update.productId,
      tipo: update.type,
      quantidade: String(update.quantity),
      deposito: update.deposit,
      observacoes: update.notes?.slice(0, 100),
    },
  });
}

export function mapTinyProductSummary(value: Record<string, unknown>): TinyProductSummary | undefined {
  const id = toId(value['id']);
  if (!id) return undefined;
  return { id, sku: toText(value['codigo']), name: toText(value['nome']), price: toDecimalString(value['preco']), gtin: toText(value['gtin']), situation: toText(value['situacao']) };
}
