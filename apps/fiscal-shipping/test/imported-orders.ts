import { sql, waitFor } from '@hub/testing';
import { sandboxJson, SELLER, type GatewayHarness } from '../../gateway/test/gateway-harness';

/** An Ideris order imported into Tiny, as fiscal-shipping's bindings know it. */
export interface Bound {
  iderisOrderId: number;
  tinyOrderId: string;
  code: string;
}

/**
 * Creates `count` Ideris orders in the sandbox, lets the running orders service import them, and waits until
 * fiscal-shipping (schema `fiscalSchema`) holds their bindings.
 */
export async function importedOrders(h: GatewayHarness, fiscalSchema: string, connectionId: string, count: number): Promise<Bound[]> {
  const ideris: { id: number; code: string }[] = await sandboxJson(h, 'POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count });
  const bindings = () =>
    sql<{ ideris_order_id: string; tiny_order_id: string }>(`SELECT ideris_order_id, tiny_order_id FROM "${fiscalSchema}".order_binding WHERE connection_id = $1`, [connectionId]);
  const rows = await waitFor(async () => {
    const found = await bindings();
    return found.length === count ? found : undefined;
  }, 30_000, 200);
  return ideris.map((o) => ({ iderisOrderId: o.id, code: o.code, tinyOrderId: rows.find((r) => Number(r.ideris_order_id) === o.id)!.tiny_order_id }));
}
