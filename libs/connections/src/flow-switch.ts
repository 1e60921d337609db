import type { ConnectionFlow, ConnectionFlows, TinyNotificationKind } from '@hub/contracts';
import { counter } from '@hub/platform';

/** The reason code of work a switched-off flow let go. */
export const FLOW_OFF = 'flow_off';

/** Which flow each Tiny notification kind belongs to. */
export const FLOW_OF_NOTIFICATION: Readonly<Record<TinyNotificationKind, ConnectionFlow>> = {
  estoque: 'stock',
  precos: 'prices',
  produto: 'products',
  nota_fiscal: 'invoices',
  rastreio: 'tracking',
  situacao_pedido: 'status',
  atualizacao_pedido: 'status',
  inclusao_pedido: 'orders',
};

/**
 * Whether `flow` runs for the connection. Only an explicit `false` switches a flow off: a connection saved before
 * the switches existed, or one whose `flows` names some flows only, keeps the others running.
 */
export function flowEnabled(connection: { settings?: { flows?: ConnectionFlows | null } | null } | undefined, flow: ConnectionFlow): boolean {
  return connection?.settings?.flows?.[flow] !== false;
}

const skipped = counter('hub_flow_skipped_total', 'Work let go because its flow is switched off for the connection', ['flow', 'what']);

/** Records work a switched-off flow did not do: a metric and one log line with reason `flow_off`. */
export function recordFlowSkip(
  logger: { log(message: unknown): void },
  detail: { flow: ConnectionFlow; connectionId: string; what: string; [key: string]: unknown },
): void {
  skipped.inc({ flow: detail.flow, what: detail.what });
  logger.log({ msg: `${detail.what} skipped: flow ${detail.flow} is off`, reason: FLOW_OFF, ...detail });
}
