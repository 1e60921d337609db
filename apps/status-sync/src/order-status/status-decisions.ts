import type { StatusMapV1, TinyOrderSituation } from '@hub/contracts';
import { cancelledIderisStatuses, SITUATION_RANK, WORKED_ON_SITUATIONS } from '../status-map/status-map';

export type Side = 'tiny' | 'ideris';

/** What status-sync knows of one imported order, both sides, at the moment of a decision. */
export interface OrderStatusState {
  tinySituation: TinyOrderSituation | null;
  /** Stream sequence of the Tiny notification that set `tinySituation` (null when it came from a read or a write). */
  tinySequence: number | null;
  iderisStatusId: number | null;
  /** A write the hub announced (committed) and has not confirmed yet; its echo must not travel back. */
  pending: { side: Side; value: string } | null;
}

export interface TinyChange {
  situation: TinyOrderSituation;
  streamSequence: number;
}

export type TinyChangeOutcome =
  | 'duplicate'
  | 'backwards'
  | 'stale-sequence'
  | 'echo'
  | 'unmapped'
  | 'ideris-holds-it'
  | 'ideris-cancelled'
  | 'write-ideris';

/** `accept`: Tiny's situation is recorded. `write`: the Ideris status to write, once. */
export interface TinyChangeDecision {
  outcome: TinyChangeOutcome;
  accept: boolean;
  write?: number;
}

/**
 * A Tiny situation (notification) → what to do on Ideris. Out-of-order or repeated notifications never move
 * the order back: an earlier situation in the progression is stale, and between the two delivery outcomes
 * (same rank) the later stream sequence wins. A situation the hub itself wrote (pending) is its own echo.
 */
export function decideTinyChange(state: OrderStatusState, change: TinyChange, map: StatusMapV1): TinyChangeDecision {
  const current = state.tinySituation;
  if (current === change.situation) return { outcome: 'duplicate', accept: false };
  if (current !== null) {
    const delta = SITUATION_RANK[change.situation] - SITUATION_RANK[current];
    if (delta < 0) return { outcome: 'backwards', accept: false };
    if (delta === 0 && state.tinySequence !== null && change.streamSequence <= state.tinySequence) return { outcome: 'stale-sequence', accept: false };
  }
  if (state.pending?.side === 'tiny' && state.pending.value === change.situation) return { outcome: 'echo', accept: true };
  const target = map.tinyToIderis[change.situation];
  if (target === null || target === undefined) return { outcome: 'unmapped', accept: true };
  if (state.iderisStatusId === target) return { outcome: 'ideris-holds-it', accept: true };
  if (state.iderisStatusId !== null && cancelledIderisStatuses(map).has(state.iderisStatusId)) return { outcome: 'ideris-cancelled', accept: true };
  return { outcome: 'write-ideris', accept: true, write: target };
}

export type IderisChangeOutcome = 'unchanged' | 'echo' | 'unmapped' | 'tiny-holds-it' | 'tiny-ahead' | 'needs-attention' | 'write-tiny';

export interface IderisChangeDecision {
  outcome: IderisChangeOutcome;
  write?: TinyOrderSituation;
}

/**
 * An Ideris status (poll) → what to do in Tiny. `state.tinySituation` must be fresh for a cancellation (the
 * caller reads Tiny first). A cancellation after Tiny invoiced or shipped is not applied: it needs a person.
 * Other mapped statuses only move Tiny forward.
 */
export function decideIderisChange(state: OrderStatusState, statusId: number, map: StatusMapV1): IderisChangeDecision {
  if (state.iderisStatusId === statusId) return { outcome: 'unchanged' };
  if (state.pending?.side === 'ideris' && state.pending.value === String(statusId)) return { outcome: 'echo' };
  const target = map.iderisToTiny[String(statusId)];
  if (target === undefined) return { outcome: 'unmapped' };
  const current = state.tinySituation;
  if (current === target) return { outcome: 'tiny-holds-it' };
  if (target === 'cancelado') {
    if (current !== null && WORKED_ON_SITUATIONS.has(current)) return { outcome: 'needs-attention' };
    return { outcome: 'write-tiny', write: 'cancelado' };
  }
  if (current !== null && SITUATION_RANK[target] <= SITUATION_RANK[current]) return { outcome: 'tiny-ahead' };
  return { outcome: 'write-tiny', write: target };
}
