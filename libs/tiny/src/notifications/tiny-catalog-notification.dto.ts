import { Transform, Type, plainToInstance } from 'class-transformer';
import { IsArray, IsIn, IsNumberString, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { isRecord } from '../tiny-coercion';
import { TinyDecimalField, TinyGradeField, TinyIdField, TinyTextField } from './tiny-notification.transforms';

const DECIMAL = { no_symbols: false } as const;

/** `tipo: "estoque"` — official page `api2-webhooks-atualizacao-estoque`. */
export class TinyStockNotificationData {
  /** F físico / D disponível, per integration setting; one integrator saw it missing. */
  @TinyTextField()
  @IsOptional()
  @IsIn(['F', 'D'])
  tipoEstoque?: 'F' | 'D';

  @TinyDecimalField()
  @IsNumberString(DECIMAL, { message: 'saldo must be a decimal with a dot' })
  saldo: string;

  @TinyIdField()
  @IsNumberString({ no_symbols: true }, { message: 'idProduto must be a numeric id' })
  idProduto: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  sku?: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  skuMapeamento?: string;

  /** Empty for a product without variations. */
  @TinyTextField()
  @IsOptional()
  @IsString()
  skuMapeamentoPai?: string;
}

/** `tipo: "precos"` — prices as strings. */
export class TinyPriceNotificationData {
  @TinyTextField()
  @IsOptional()
  @IsString()
  idMapeamento?: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  skuMapeamento?: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  skuMapeamentoPai?: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  nome?: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  codigo?: string;

  @TinyDecimalField()
  @IsNumberString(DECIMAL, { message: 'preco must be a decimal with a dot' })
  preco: string;

  @TinyDecimalField()
  @IsOptional()
  @IsNumberString(DECIMAL, { message: 'precoPromocional must be a decimal with a dot' })
  precoPromocional?: string;
}

export class TinyProductAttachment {
  @TinyTextField()
  @IsString()
  url: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  nome?: string;
}

export class TinyProductKitItem {
  @TinyIdField()
  @IsNumberString({ no_symbols: true })
  id: string;

  @TinyDecimalField()
  @IsNumberString(DECIMAL)
  quantidade: string;
}

export class TinyProductNotificationVariation {
  @TinyIdField()
  @IsNumberString({ no_symbols: true })
  id: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  idMapeamento?: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  skuMapeamento?: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  codigo?: string;

  @TinyTextField()
  @IsOptional()
  @IsString()
  gtin?: string;

  @TinyDecimalField()
  @IsOptional()
  @IsNumberString(DECIMAL)
  preco?: string;

  @TinyDecimalField()
  @IsOptional()
  @IsNumberString(DECIMAL)
  precoPromocional?: string;

  @TinyDecimalField()
  @IsOptional()
  @IsNumberString(DECIMAL)
  estoqueAtual?: string;

  @TinyGradeField()
  @IsOptional()
  @IsObject()
  grade?: Record<string, string>;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TinyProductAttachment)
  anexos?: TinyProductAttachment[];
}

export class TinyProductSeo {
  @TinyTextField() @IsOptional() @IsString() title?: string;
  @TinyTextField() @IsOptional() @IsString() description?: string;
  @TinyTextField() @IsOptional() @IsString() keywords?: string;
  @TinyTextField() @IsOptional() @IsString() linkVideo?: string;
  @TinyTextField() @IsOptional() @IsString() slug?: string;
}

export class TinyCategoryNode {
  @TinyIdField() @IsOptional() @IsNumberString({ no_symbols: true }) id?: string;
  @TinyIdField() @IsOptional() @IsNumberString({ no_symbols: true }) idPai?: string;
  @TinyTextField() @IsOptional() @IsString() descricao?: string;
  @TinyTextField() @IsOptional() @IsString() descricaoCompleta?: string;
}

/**
 * `tipo: "produto"` ("Envio de produtos") — the whole product as Tiny sends it to an e-commerce integration.
 * Field names from integrators' types (the official sample file was not retrieved); unknown fields are ignored.
 */
export class TinyProductNotificationData {
  @TinyIdField()
  @IsNumberString({ no_symbols: true }, { message: 'id must be a numeric id' })
  id: string;

  @TinyTextField() @IsOptional() @IsString() idMapeamento?: string;
  @TinyTextField() @IsOptional() @IsString() skuMapeamento?: string;

  @TinyTextField()
  @IsString({ message: 'nome must be informed' })
  nome: string;

  @TinyTextField() @IsOptional() @IsString() codigo?: string;
  @TinyTextField() @IsOptional() @IsString() unidade?: string;
  @TinyDecimalField() @IsOptional() @IsNumberString(DECIMAL) preco?: string;
  @TinyDecimalField() @IsOptional() @IsNumberString(DECIMAL) precoPromocional?: string;
  @TinyDecimalField() @IsOptional() @IsNumberString(DECIMAL) precoCusto?: string;
  @TinyTextField() @IsOptional() @IsString() ncm?: string;
  @TinyTextField() @IsOptional() @IsString() origem?: string;
  @TinyTextField() @IsOptional() @IsString() gtin?: string;
  @TinyDecimalField() @IsOptional() @IsNumberString(DECIMAL) pesoLiquido?: string;
  @TinyDecimalField() @IsOptional() @IsNumberString(DECIMAL) pesoBruto?: string;
  /** ASSUMPTION (docs/contracts.md#tiny-produto): packaging dimensions (cm) travel under `produto.obter`'s output names; absent or empty = unknown. */
  @TinyDecimalField() @IsOptional() @IsNumberString(DECIMAL) alturaEmbalagem?: string;
  @TinyDecimalField() @IsOptional() @IsNumberString(DECIMAL) larguraEmbalagem?: string;
  @TinyDecimalField() @IsOptional() @IsNumberString(DECIMAL) comprimentoEmbalagem?: string;
  @TinyDecimalField() @IsOptional() @IsNumberString(DECIMAL) estoqueAtual?: string;
  @TinyTextField() @IsOptional() @IsIn(['A', 'I', 'E']) situacao?: string;
  /** S simples, K kit, V com variações, F fabricado, M matéria-prima. */
  @TinyTextField() @IsOptional() @IsString() classeProduto?: string;
  @TinyTextField() @IsOptional() @IsString() marca?: string;
  @TinyTextField() @IsOptional() @IsString() descricaoComplementar?: string;
  @TinyTextField() @IsOptional() @IsString() descricaoArvoreCategoria?: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TinyCategoryNode)
  arvoreCategoria?: TinyCategoryNode[];

  /** Items flat (`{id, codigo, …}`) or wrapped as `{variacao:{…}}` (contracts.md#tiny-produto); both are read. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TinyProductNotificationVariation)
  @Transform(({ obj }: { obj: Record<string, unknown> }) => unwrappedVariations(obj['variacoes']))
  variacoes?: TinyProductNotificationVariation[];

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TinyProductAttachment)
  anexos?: TinyProductAttachment[];

  @IsOptional()
  @ValidateNested()
  @Type(() => TinyProductSeo)
  seo?: TinyProductSeo;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TinyProductKitItem)
  kit?: TinyProductKitItem[];
}

function unwrappedVariations(raw: unknown): unknown {
  if (!Array.isArray(raw)) return raw === null || raw === '' ? undefined : raw;
  return raw.map((item: unknown) => {
    const inner = isRecord(item) && isRecord(item['variacao']) ? item['variacao'] : item;
    return isRecord(inner) ? plainToInstance(TinyProductNotificationVariation, inner) : inner;
  });
}
