import { seeded } from './seeded-random';

/** A product as a seller would type it, before either system's wire format (prices in reais, weights in kg). */
export interface GeneratedProduct {
  sku: string;
  name: string;
  price: number;
  cost: number;
  stock: number;
  ean: string;
  ncm: string;
  brand: string;
  images: string[];
  netWeightKg: number;
  grossWeightKg: number;
  heightCm: number;
  widthCm: number;
  lengthCm: number;
  variations: Array<{ sku: string; price: number; stock: number; ean: string; grid: Record<string, string> }>;
  /** Components are earlier simple products of the same catalogue. */
  kit: Array<{ sku: string; quantity: number }>;
}

export interface CatalogSpec {
  prefix: string;
  count: number;
  /** Share (0–1) of products with variations (3 sizes each). */
  variationRate: number;
  /** Share (0–1) of kits of 2–3 earlier simple products. */
  kitRate: number;
  seed: number;
}

const NCMS = ['61091000', '64039990', '42022210', '85176277', '95030099', '33049990'];
const BRANDS = ['Marca Sandbox', 'Acme', 'Loja Teste'];
const COLORS = ['Azul', 'Preto', 'Branco', 'Verde'];

/**
 * A reproducible catalogue: simple products, products with variations (`<sku>-P/M/G`) and kits, with EAN-13
 * (valid check digit), NCM, images, weights and packaging dimensions. Kits only ever point to simple products
 * that come before them, so creating the list in order never meets a missing component.
 */
export function generateCatalog(spec: CatalogSpec): GeneratedProduct[] {
  const random = seeded(spec.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const products: GeneratedProduct[] = [];
  const simple: string[] = [];
  for (let index = 0; index < spec.count; index += 1) {
    const sku = `${spec.prefix}-${String(index + 1).padStart(4, '0')}`;
    const roll = random();
    const kit = simple.length >= 3 && roll < spec.kitRate;
    const withVariations = !kit && roll < spec.kitRate + spec.variationRate;
    const price = Math.round((19.9 + random() * 180) * 100) / 100;
    const product: GeneratedProduct = {
      sku,
      name: `${kit ? 'Kit' : 'Produto'} ${spec.prefix} ${index + 1} ${pick(COLORS)}`,
      price,
      cost: Math.round(price * 45) / 100,
      stock: Math.floor(random() * 50),
      ean: ean13(`789${String(spec.seed % 1000).padStart(3, '0')}${String(index + 1).padStart(6, '0')}`),
      ncm: pick(NCMS),
      brand: pick(BRANDS),
      images: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, n) => `https://img.sandbox.example/${sku.toLowerCase()}-${n + 1}.jpg`),
      netWeightKg: Math.round((0.1 + random() * 2) * 1000) / 1000,
      grossWeightKg: 0,
      heightCm: 2 + Math.floor(random() * 30),
      widthCm: 10 + Math.floor(random() * 30),
      lengthCm: 15 + Math.floor(random() * 30),
      variations: [],
      kit: [],
    };
    product.grossWeightKg = Math.round((product.netWeightKg + 0.15) * 1000) / 1000;
    if (withVariations) {
      product.variations = ['P', 'M', 'G'].map((size, n) => ({
        sku: `${sku}-${size}`,
        price,
        stock: Math.floor(random() * 20),
        ean: ean13(`78${String(spec.seed % 100).padStart(2, '0')}${String(index + 1).padStart(7, '0')}${n}`),
        grid: { Tamanho: size },
      }));
    } else if (kit) {
      const size = 2 + Math.floor(random() * 2);
      const components = new Set<string>();
      while (components.size < size) components.add(pick(simple));
      product.kit = [...components].map((component) => ({ sku: component, quantity: 1 + Math.floor(random() * 2) }));
    } else {
      simple.push(sku);
    }
    products.push(product);
  }
  return products;
}

/** EAN-13 from 12 digits (the 13th is the GS1 check digit). */
export function ean13(twelve: string): string {
  const body = twelve.replace(/\D/g, '').padStart(12, '0').slice(-12);
  const sum = body.split('').reduce((acc, digit, index) => acc + Number(digit) * (index % 2 === 0 ? 1 : 3), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}
