import { describe, expect, it } from 'vitest';
import { reasonText } from './reasons';

describe('reasonText', () => {
  it.each<[string | null, string | null, string]>([
    ['needs_mapping', null, 'Anúncio ou SKU do marketplace sem de-para para um produto do Tiny'],
    ['marketplace_not_selected', 'raw', 'Conta de marketplace não selecionada para importar'],
    ['refused_by_tiny', 'Tiny: erro 31', 'O Tiny recusou (validação)'],
    ['grouping_not_concluded', null, 'Aguardando a PLP/coleta ser concluída na expedição do Tiny'],
    ['cancelled_after_invoice', null, 'Cancelado no marketplace depois de faturado: decidir no Tiny'],
    ['unknown_sku_in_ideris', null, 'SKU não existe na Ideris'],
    ['tiny_auth', null, 'Token do Tiny inválido ou expirado'],
    ['no_carrier', null, 'Pedido sem transportadora no Tiny: rastreio só vai para Correios ou transportadora'],
    ['invoice_not_authorised', null, 'Nota fiscal ainda não autorizada pela SEFAZ'],
    ['price_drop_held', null, 'Queda de preço acima do limite: aguardando confirmação'],
    ['brand_new_code', 'the service said this', 'the service said this'],
    ['brand_new_code', null, 'brand new code'],
    [null, null, 'Motivo não informado'],
  ])('%s (%s) → %s', (code, detail, text) => expect(reasonText(code, detail)).toBe(text));
});
