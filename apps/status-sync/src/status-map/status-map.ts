import { TINY_ORDER_SITUATIONS, type StatusMapV1, type TinyOrderSituation } from '@hub/contracts';

/** An entry of the seller's Ideris status catalogue (`/status/search`): system statuses and their own. */
export interface IderisStatusEntry {
  id: number;
  description: string;
}

/**
 * Where the catalogue cannot be read, the ids the public material and the sandbox use: 1007 "Aberto" and
 * 1009 "Expedição" are seen in real clients; the others are the sandbox's (ASSUMPTION (docs/contracts.md#ideris-status-catalog), editable per connection).
 */
export const FALLBACK_IDERIS_STATUS_IDS = { open: 1007, toInvoice: 1008, shipping: 1009, invoiced: 1010, delivered: 1011, cancelled: 1012 } as const;
type IderisRole = keyof typeof FALLBACK_IDERIS_STATUS_IDS;

/** Descriptions (accents and case folded) that identify each system status in a catalogue. */
const ROLE_BY_DESCRIPTION: Array<[RegExp, IderisRole]> = [
  [/^aberto$/, 'open'],
  [/^a faturar$/, 'toInvoice'],
  [/^expedicao$/, 'shipping'],
  [/^faturado$/, 'invoiced'],
  [/^entregue$/, 'delivered'],
  [/^cancelado$/, 'cancelled'],
];

/**
 * Tiny's situations in the order they progress. An order never moves back along it: a late or repeated
 * notification of an earlier situation is stale. `entregue` and `nao_entregue` are both outcomes of a
 * delivery (same rank; the later stream sequence wins). `cancelado` ends everything.
 */
export const SITUATION_RANK: Readonly<Record<TinyOrderSituation, number>> = {
  aberto: 0,
  aprovado: 1,
  preparando_envio: 2,
  faturado: 3,
  pronto_envio: 4,
  enviado: 5,
  entregue: 6,
  nao_entregue: 6,
  cancelado: 7,
};

/** Situations in which the ERP already worked on the order: a marketplace cancellation then needs a person. */
export const WORKED_ON_SITUATIONS: ReadonlySet<TinyOrderSituation> = new Set(['faturado', 'pronto_envio', 'enviado', 'entregue', 'nao_entregue']);

export function isTinySituation(value: unknown): value is TinyOrderSituation {
  return typeof value === 'string' && (TINY_ORDER_SITUATIONS as readonly string[]).includes(value);
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().toLowerCase();
}

function rolesOf(catalogue: readonly IderisStatusEntry[]): Record<IderisRole, number> {
  const ids: Record<IderisRole, number> = { ...FALLBACK_IDERIS_STATUS_IDS };
  const found = new Set<IderisRole>();
  for (const status of catalogue) {
    const role = ROLE_BY_DESCRIPTION.find(([pattern]) => pattern.test(fold(status.description)))?.[1];
    if (role && !found.has(role)) {
      ids[role] = status.id;
      found.add(role);
    }
  }
  return ids;
}

/**
 * The default map of a connection, from its Ideris catalogue (system statuses found by description) and the
 * connection's import map (`settings.statusMap`, Ideris id → Tiny situation, which also applies to later changes).
 * Tiny `aberto` writes nothing (every order starts open in Ideris; a reopened Tiny order must not pull the
 * marketplace back) and `nao_entregue` has no Ideris counterpart. From Ideris, only what the marketplace
 * decides flows by default: delivery and cancellation.
 */
export function defaultStatusMap(catalogue: readonly IderisStatusEntry[] = [], importMap: Record<string, TinyOrderSituation> = {}): StatusMapV1 {
  const ids = rolesOf(catalogue);
  const iderisToTiny: Record<string, TinyOrderSituation> = { [ids.delivered]: 'entregue', [ids.cancelled]: 'cancelado' };
  for (const [statusId, situation] of Object.entries(importMap)) {
    if (isIderisStatusId(statusId) && isTinySituation(situation)) iderisToTiny[statusId] = situation;
  }
  return {
    tinyToIderis: {
      aberto: null,
      aprovado: ids.toInvoice,
      preparando_envio: ids.toInvoice,
      faturado: ids.invoiced,
      pronto_envio: ids.shipping,
      enviado: ids.shipping,
      entregue: ids.delivered,
      nao_entregue: null,
      cancelado: ids.cancelled,
    },
    iderisToTiny,
  };
}

function isIderisStatusId(value: string): boolean {
  return /^[1-9]\d{0,9}$/.test(value);
}

/** Checks a map an operator sent; returns the problems (empty when it can be stored as is). */
export function validateStatusMap(map: unknown): { ok: true; map: StatusMapV1 } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  if (typeof map !== 'object' || map === null) return { ok: false, problems: ['the map must be an object with tinyToIderis and iderisToTiny'] };
  const { tinyToIderis, iderisToTiny } = map as Record<string, unknown>;
  if (typeof tinyToIderis !== 'object' || tinyToIderis === null || Array.isArray(tinyToIderis)) problems.push('tinyToIderis must be an object');
  if (typeof iderisToTiny !== 'object' || iderisToTiny === null || Array.isArray(iderisToTiny)) problems.push('iderisToTiny must be an object');
  if (problems.length > 0) return { ok: false, problems };
  const clean: StatusMapV1 = { tinyToIderis: {}, iderisToTiny: {} };
  for (const [situation, statusId] of Object.entries(tinyToIderis as Record<string, unknown>)) {
    if (!isTinySituation(situation)) problems.push(`tinyToIderis: "${situation}" is not a Tiny situation (${TINY_ORDER_SITUATIONS.join(', ')})`);
    else if (statusId === null) clean.tinyToIderis[situation] = null;
    else if (typeof statusId === 'number' && Number.isInteger(statusId) && statusId > 0) clean.tinyToIderis[situation] = statusId;
    else problems.push(`tinyToIderis.${situation}: an Ideris status id (positive integer) or null`);
  }
  for (const [statusId, situation] of Object.entries(iderisToTiny as Record<string, unknown>)) {
    if (!isIderisStatusId(statusId)) problems.push(`iderisToTiny: "${statusId}" is not an Ideris status id`);
    else if (!isTinySituation(situation)) problems.push(`iderisToTiny.${statusId}: "${String(situation)}" is not a Tiny situation`);
    else clean.iderisToTiny[statusId] = situation;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, map: clean };
}

/** Ideris statuses whose Tiny counterpart is `cancelado`: an order there is never written another status. */
export function cancelledIderisStatuses(map: StatusMapV1): Set<number> {
  return new Set(Object.entries(map.iderisToTiny).filter(([, situation]) => situation === 'cancelado').map(([id]) => Number(id)));
}

/** The Ideris statuses the poller has to watch: those that mean something for Tiny. */
export function watchedIderisStatuses(map: StatusMapV1): number[] {
  return Object.keys(map.iderisToTiny).map(Number).sort((a, b) => a - b);
}

/** Ideris statuses after which nothing changes for Tiny: those the map gives a final Tiny situation. */
export function finalIderisStatuses(map: StatusMapV1): number[] {
  return Object.entries(map.iderisToTiny).filter(([, situation]) => situation === 'cancelado' || situation === 'entregue').map(([id]) => Number(id));
}
