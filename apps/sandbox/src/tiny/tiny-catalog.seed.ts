import type { GeneratedProduct } from '../common/catalog-generator';
import { TinyBusinessError } from './tiny-retorno';
import { newTinyProduct, type TinyDataStore, type TinyProduct } from './tiny-data.store';

/** Decimals as Tiny stores them (dot, fixed places). */
const kg = (value: number): string => value.toFixed(3);
const cm = (value: number): string => String(value);

/**
 * Puts a product the way the seller would have typed it in Tiny's screens: the parent, one child product per
 * variation (`tipoVariacao` V), or a kit (`classe_produto` K) of products already there. No notification is sent.
 */
export function seedTinyProduct(data: TinyDataStore, token: string, spec: GeneratedProduct, now: number): { parent: TinyProduct; variations: TinyProduct[] } {
  const products = data.of(token).products;
  const codes = [spec.sku, ...spec.variations.map((variation) => variation.sku)];
  const taken = codes.find((code) => products.some((product) => product.codigo === code));
  if (taken) throw new TinyBusinessError(30, [`produto ${taken} já existe`]);
  const kit = spec.kit.map((item) => {
    const component = products.find((product) => product.codigo === item.sku);
    if (!component) throw new TinyBusinessError(31, [`componente do kit não localizado: ${item.sku}`]);
    return { idProduto: component.id, quantidade: String(item.quantity) };
  });
  const parent = newTinyProduct(
    data.newId(),
    {
      codigo: spec.sku,
      nome: spec.name,
      preco: spec.price.toFixed(2),
      precoCusto: spec.cost.toFixed(2),
      ncm: spec.ncm || undefined,
      gtin: spec.ean || undefined,
      marca: spec.brand || undefined,
      pesoLiquido: kg(spec.netWeightKg),
      pesoBruto: kg(spec.grossWeightKg),
      alturaEmbalagem: cm(spec.heightCm),
      larguraEmbalagem: cm(spec.widthCm),
      comprimentoEmbalagem: cm(spec.lengthCm),
      anexos: [...spec.images],
      depositos: [{ nome: 'Geral', saldo: spec.variations.length > 0 ? 0 : spec.stock, desconsiderar: false }],
      ...(kit.length > 0 ? { kit, classeProduto: 'K' } : {}),
      ...(spec.variations.length > 0 ? { tipoVariacao: 'P' as const, classeProduto: 'V' } : {}),
    },
    now,
  );
  const variations = spec.variations.map((variation) =>
    newTinyProduct(
      data.newId(),
      {
        codigo: variation.sku,
        nome: `${spec.name} ${Object.values(variation.grid).join(' ')}`,
        preco: variation.price.toFixed(2),
        ncm: parent.ncm,
        gtin: variation.ean || undefined,
        marca: parent.marca,
        grade: { ...variation.grid },
        tipoVariacao: 'V',
        idProdutoPai: parent.id,
        depositos: [{ nome: 'Geral', saldo: variation.stock, desconsiderar: false }],
      },
      now,
    ),
  );
  products.push(parent, ...variations);
  return { parent, variations };
}
