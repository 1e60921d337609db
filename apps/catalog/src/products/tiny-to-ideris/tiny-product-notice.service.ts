import { Injectable, Logger } from '@nestjs/common';
import type { ProductMappingItemV1 } from '@hub/contracts';
import { counter } from '@hub/platform';
import { buildTinyProductWebhookReply, kindOfNotice, noticeFromTinyProduct, type TinyProductMappingTarget, type TinyProductNotice, type TinyProductNotificationData } from '@hub/tiny';
import { tinyFingerprint, tinyViewOfNotice } from '../domain/product-fingerprints';
import { ProductSyncRepository, type BindingRow, type ProductSyncRow } from '../product-sync.repository';

const notices = counter('hub_catalog_product_notifications_total', 'Tiny produto notifications by outcome: queued, echo, unchanged, duplicate, superseded, stale, refused', ['outcome']);

export type NoticeOutcome = 'queued' | 'echo' | 'unchanged' | 'duplicate' | 'superseded' | 'stale' | 'refused';

export interface RecordedNotice {
  sku?: string;
  outcome: NoticeOutcome;
  items: ProductMappingItemV1[];
}

interface Resolution {
  sku?: string;
  error?: string;
}

/**
 * Records a Tiny `produto` notification: the bindings of the product and its variations, and — unless it is the
 * hub's own echo or nothing changed — the push to Ideris, queued. Answers the flat mapping array Tiny wants.
 * Called by the gateway's request (while Tiny waits) and by the durable consumer; the notification's stream
 * sequence makes the second call a no-op.
 */
@Injectable()
export class TinyProductNoticeService {
  private readonly logger = new Logger(TinyProductNoticeService.name);

  constructor(private readonly products: ProductSyncRepository) {}

  async record(connectionId: string, dados: TinyProductNotificationData, streamSequence: number): Promise<RecordedNotice> {
    const notice = noticeFromTinyProduct(dados);
    const result = await this.products.dataSource.transaction(async (m) => {
      const targets = [{ id: notice.tinyProductId, sku: notice.sku }, ...notice.variations.map((variation) => ({ id: variation.tinyProductId, sku: variation.sku }))];
      // Serialises the gateway's request and the consumer (or two replicas) on one Tiny product, and two Tiny
      // products claiming one SKU; taken in one order, so two notifications never wait for each other's locks.
      const keys = [...new Set(targets.flatMap((target) => [`tiny:${target.id}`, ...(target.sku ? [`sku:${target.sku}`] : [])]))].sort();
      for (const key of keys) await m.query(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [connectionId, key]);
      const bound = await this.products.bindings(connectionId, { skus: targets.flatMap((target) => (target.sku ? [target.sku] : [])), tinyProductIds: targets.map((target) => target.id) }, m);
      const resolutions = resolve(targets, bound);
      const root = resolutions.get(notice.tinyProductId)!;
      const items = reply(dados, resolutions);
      if (root.error || !root.sku) return { outcome: 'refused' as const, items, sku: undefined };

      const accepted: TinyProductNotice = {
        ...notice,
        sku: root.sku,
        variations: notice.variations.flatMap((variation) => {
          const resolution = resolutions.get(variation.tinyProductId)!;
          return resolution.error ? [] : [{ ...variation, sku: resolution.sku }];
        }),
      };
      const kind = kindOfNotice(accepted);
      const row = await this.products.lockSync(m, connectionId, root.sku, kind);
      if (streamSequence <= Number(row.tiny_seq)) return { outcome: 'stale' as const, items, sku: root.sku };

      await this.products.bind(m, connectionId, [
        { sku: root.sku, rootSku: root.sku, kind, tinyProductId: accepted.tinyProductId, idMapeamento: accepted.idMapeamento },
        ...accepted.variations.map((variation) => ({ sku: variation.sku!, rootSku: root.sku!, kind: 'variation' as const, tinyProductId: variation.tinyProductId, idMapeamento: variation.idMapeamento })),
      ]);
      const outcome = await this.decide(m, row, kind, accepted, streamSequence);
      await this.products.journal(m, connectionId, root.sku, 'to-ideris', `tiny-notice:${outcome}`, `stream sequence ${streamSequence}`);
      return { outcome, items, sku: root.sku };
    });
    notices.inc({ outcome: result.outcome });
    if (result.outcome === 'refused') this.logger.warn({ msg: 'Tiny product refused', connectionId, tinyProductId: notice.tinyProductId, errors: result.items.filter((item) => item.error).map((item) => item.error) });
    return result;
  }

  /**
   * - Tiny shows what the hub last saw or wrote there (or is writing now): its own echo, or no change. Work for
   *   Ideris not started yet is then moot (Ideris holds that already).
   * - The same content is already queued: a duplicate.
   * - Otherwise a real change: the push to Ideris is queued (replacing older work; a running write finishes first).
   */
  private async decide(m: Parameters<ProductSyncRepository['queue']>[0], row: ProductSyncRow, kind: ProductSyncRow['kind'], notice: TinyProductNotice, seq: number): Promise<NoticeOutcome> {
    const fingerprint = tinyFingerprint(tinyViewOfNotice(notice));
    const working = ['pending', 'waiting', 'writing'].includes(row.state);
    if (fingerprint === row.tiny_fingerprint || fingerprint === row.tiny_pending_fingerprint) {
      if (row.direction === 'to-ideris' && row.state === 'writing') {
        await this.products.queue(m, row, kind, { direction: 'to-ideris', payload: notice, tinySeq: seq });
        return 'queued';
      }
      if (row.direction === 'to-ideris' && (working || row.state === 'failed')) {
        await this.products.supersede(m, row, 'superseded', seq);
        return 'superseded';
      }
      const echo = fingerprint === row.tiny_pending_fingerprint || row.tiny_fingerprint_from === 'hub';
      await this.products.noteTinySeq(m, row, seq, echo ? 'echo' : 'unchanged');
      return echo ? 'echo' : 'unchanged';
    }
    if (row.direction === 'to-ideris' && working && row.payload && tinyFingerprint(tinyViewOfNotice(row.payload as TinyProductNotice)) === fingerprint) {
      await this.products.noteTinySeq(m, row, seq);
      return 'duplicate';
    }
    await this.products.queue(m, row, kind, { direction: 'to-ideris', payload: notice, tinySeq: seq });
    return 'queued';
  }
}

/**
 * Our SKU for each target: the one already bound to its Tiny id (a product keeps its SKU), else Tiny's mapping SKU
 * or code. Refused: no code, a SKU bound to another Tiny product, the same SKU twice in one notification.
 */
function resolve(targets: Array<{ id: string; sku?: string }>, bound: BindingRow[]): Map<string, Resolution> {
  const skuOfTinyId = new Map(bound.flatMap((binding) => (binding.tiny_product_id ? [[binding.tiny_product_id, binding.sku] as const] : [])));
  const tinyIdOfSku = new Map(bound.map((binding) => [binding.sku, binding.tiny_product_id] as const));
  const resolutions = new Map<string, Resolution>();
  const seen = new Set<string>();
  for (const [index, target] of targets.entries()) {
    const sku = skuOfTinyId.get(target.id) ?? target.sku;
    const owner = sku ? tinyIdOfSku.get(sku) : undefined;
    if (!sku) resolutions.set(target.id, { error: 'O produto não tem código (SKU) no Tiny; informe um código para integrá-lo.' });
    else if (owner && owner !== target.id) resolutions.set(target.id, { sku, error: `O SKU ${sku} já está vinculado a outro produto do Tiny (${owner}).` });
    else if (seen.has(sku)) resolutions.set(target.id, { sku, error: `O SKU ${sku} aparece mais de uma vez neste produto.` });
    else if (index > 0 && resolutions.get(targets[0]!.id)?.error) resolutions.set(target.id, { sku, error: 'O produto pai não foi aceito.' });
    else resolutions.set(target.id, { sku });
    if (sku) seen.add(sku);
  }
  return resolutions;
}

function reply(dados: TinyProductNotificationData, resolutions: Map<string, Resolution>): ProductMappingItemV1[] {
  return buildTinyProductWebhookReply(dados, (target: TinyProductMappingTarget) => {
    const resolution = resolutions.get(target.productId);
    return { skuMapeamento: resolution?.sku, error: resolution?.error };
  });
}
