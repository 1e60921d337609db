import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';

export const CONNECTION_SITUATIONS = ['not_installed', 'not_configured', 'active', 'inactive'] as const;
export type ConnectionSituation = (typeof CONNECTION_SITUATIONS)[number];

export const STOCK_TYPES = ['physical', 'available'] as const;
export type StockType = (typeof STOCK_TYPES)[number];

/** A kit's stock in Ideris: Tiny's balance of the kit product itself, or the minimum its components allow. */
export const KIT_STOCK_SOURCES = ['own', 'components'] as const;
export type KitStockSource = (typeof KIT_STOCK_SOURCES)[number];

/** Tiny v2 order situations (codes), the targets of the default status map. */
/** What the hub does with the orders of an Ideris marketplace account it sees for the first time (not yet chosen). */
export const NEW_MARKETPLACE_ACCOUNTS = ['skip', 'import'] as const;
export type NewMarketplaceAccounts = (typeof NEW_MARKETPLACE_ACCOUNTS)[number];

export const TINY_ORDER_SITUATIONS = [
  'aberto', 'aprovado', 'preparando_envio', 'faturado', 'pronto_envio', 'enviado', 'entregue', 'nao_entregue', 'cancelado',
] as const;
export type TinyOrderSituation = (typeof TINY_ORDER_SITUATIONS)[number];

/**
 * How invoices and tracking reach Ideris: `notification_urls` posts Tiny's own `nota_fiscal` / `rastreio`
 * notification to the two URLs Ideris support gives the seller (the native integration's way, the one format known);
 * `ideris_api` uses the assumed v3 writes. Unset: `notification_urls` when both URLs are set, else `ideris_api`.
 */
export const INVOICE_TRACKING_PATHS = ['notification_urls', 'ideris_api'] as const;
export type InvoiceTrackingPath = (typeof INVOICE_TRACKING_PATHS)[number];

/** The path in force: the setting when given, else the seed's way when the seller has both URLs. */
export function invoiceTrackingPathOf(setting: InvoiceTrackingPath | undefined, urls: { invoice: boolean; tracking: boolean }): InvoiceTrackingPath {
  return setting ?? (urls.invoice && urls.tracking ? 'notification_urls' : 'ideris_api');
}

/** The flows a connection runs, each switchable on its own (customers travel with orders). */
export const CONNECTION_FLOWS = ['orders', 'stock', 'prices', 'products', 'invoices', 'tracking', 'status'] as const;
export type ConnectionFlow = (typeof CONNECTION_FLOWS)[number];

/** Per-flow switches: a flow left out (or `true`) runs; `false` switches it off for the connection. */
export class ConnectionFlows {
  @ApiPropertyOptional({ default: true, description: 'Orders and customers, Ideris → Tiny (the Ideris order poller)' }) @IsOptional() @IsBoolean() orders?: boolean;
  @ApiPropertyOptional({ default: true, description: "Stock, Tiny → Ideris: 'estoque' notifications, pushes, the sweep and the stock queue" }) @IsOptional() @IsBoolean() stock?: boolean;
  @ApiPropertyOptional({ default: true, description: "Prices, Tiny → Ideris: 'precos' notifications and pushes" }) @IsOptional() @IsBoolean() prices?: boolean;
  @ApiPropertyOptional({ default: true, description: "Products both ways: 'produto' notifications, pushes to Ideris, imports into Tiny" }) @IsOptional() @IsBoolean() products?: boolean;
  @ApiPropertyOptional({ default: true, description: "Invoices (NF-e), Tiny → Ideris: 'nota_fiscal' notifications and re-checks" }) @IsOptional() @IsBoolean() invoices?: boolean;
  @ApiPropertyOptional({ default: true, description: "Tracking, Tiny → Ideris: 'rastreio' notifications and re-checks" }) @IsOptional() @IsBoolean() tracking?: boolean;
  @ApiPropertyOptional({ default: true, description: "Order situations both ways: Tiny's situation notifications and the Ideris status poller" }) @IsOptional() @IsBoolean() status?: boolean;
}

/** Per-connection behaviour. Every field has a default so a new connection works as the native integration does. */
export class ConnectionSettings {
  @ApiPropertyOptional({ enum: STOCK_TYPES, default: 'available', description: 'Which Tiny balance is sent to Ideris' })
  @IsOptional()
  @IsIn(STOCK_TYPES)
  stockType?: StockType;

  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'Units held back from the marketplaces' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  safetyBuffer?: number;

  @ApiPropertyOptional({ enum: KIT_STOCK_SOURCES, default: 'own', description: "A kit's stock: Tiny's balance of the kit itself, or the minimum over its components (balance ÷ quantity)" })
  @IsOptional()
  @IsIn(KIT_STOCK_SOURCES)
  kitStock?: KitStockSource;

  @ApiPropertyOptional({
    default: false,
    description: "Also read Tiny's stock-change queue (lista.atualizacoes.estoque, needs Tiny's 'API para estoque em tempo real' extension) every minute, as a backstop for lost stock notifications",
  })
  @IsOptional()
  @IsBoolean()
  stockUpdatesFeed?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Post the order stock ("lançar estoque") right after import' })
  @IsOptional()
  @IsBoolean()
  autoPostStock?: boolean;

  @ApiPropertyOptional({
    description: 'Ideris status id → Tiny situation used when an order is imported and on later status changes',
    example: { '1': 'aberto', '2': 'aprovado', '6': 'cancelado' },
  })
  @IsOptional()
  @IsObject()
  statusMap?: Record<string, TinyOrderSituation>;

  @ApiPropertyOptional({ type: [Number], description: 'Ideris status ids to import; empty: every order that is not cancelled' })
  @IsOptional()
  @IsInt({ each: true })
  importIderisStatusIds?: number[];

  @ApiPropertyOptional({
    enum: NEW_MARKETPLACE_ACCOUNTS,
    default: 'skip',
    description:
      "Orders of an Ideris marketplace account the operator has not chosen yet (state not_chosen): 'skip' (default, the safe one) imports nothing from it until it is turned on; 'import' imports them as if it were on",
  })
  @IsOptional()
  @IsIn(NEW_MARKETPLACE_ACCOUNTS)
  newMarketplaceAccounts?: NewMarketplaceAccounts;

  @ApiPropertyOptional({ default: false, description: 'Import items whose SKU has no mapping as free text instead of parking the order' })
  @IsOptional()
  @IsBoolean()
  allowFreeTextItems?: boolean;

  @ApiPropertyOptional({ minimum: 1, description: 'Overrides the Tiny per-minute limit learned from x-limit-api' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  tinyCallsPerMinute?: number;

  @ApiPropertyOptional({ minimum: 1, default: 50, description: 'Ideris per-minute limit for this account' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  iderisCallsPerMinute?: number;

  @ApiPropertyOptional({
    enum: INVOICE_TRACKING_PATHS,
    description:
      "How invoices and tracking reach Ideris: 'notification_urls' posts Tiny's nota_fiscal/rastreio notification to iderisInvoiceUrl/iderisTrackingUrl (both needed); 'ideris_api' uses the assumed v3 writes. Unset: notification_urls when both URLs are set, else ideris_api",
  })
  @IsOptional()
  @IsIn(INVOICE_TRACKING_PATHS)
  invoiceTrackingPath?: InvoiceTrackingPath;

  @ApiPropertyOptional({ type: ConnectionFlows, description: 'Per-flow switches (default: every flow on); a flow switched off does nothing for this connection' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConnectionFlows)
  flows?: ConnectionFlows;
}

export const DEFAULT_CONNECTION_SETTINGS: Required<Omit<ConnectionSettings, 'tinyCallsPerMinute' | 'invoiceTrackingPath'>> & Pick<ConnectionSettings, 'tinyCallsPerMinute' | 'invoiceTrackingPath'> = {
  stockType: 'available',
  safetyBuffer: 0,
  kitStock: 'own',
  stockUpdatesFeed: false,
  autoPostStock: false,
  statusMap: {},
  importIderisStatusIds: [],
  allowFreeTextItems: false,
  newMarketplaceAccounts: 'skip',
  tinyCallsPerMinute: undefined,
  iderisCallsPerMinute: 50,
  invoiceTrackingPath: undefined,
  flows: { orders: true, stock: true, prices: true, products: true, invoices: true, tracking: true, status: true },
};
