import type { TinyOrderSituation } from '@hub/contracts';
import { defaultStatusMap } from '../status-map/status-map';
import { decideIderisChange, decideTinyChange, type OrderStatusState } from './status-decisions';

const map = defaultStatusMap();
const state = (overrides: Partial<OrderStatusState> = {}): OrderStatusState => ({ tinySituation: null, tinySequence: null, iderisStatusId: 1007, pending: null, ...overrides });

describe('decideTinyChange (Tiny situation → Ideris status)', () => {
  it.each<[string, Partial<OrderStatusState>, TinyOrderSituation, number, string, boolean, number | undefined]>([
    ['first known situation, mapped', {}, 'aprovado', 10, 'write-ideris', true, 1008],
    ['aberto writes nothing by default', {}, 'aberto', 10, 'unmapped', true, undefined],
    ['repeated notification', { tinySituation: 'aprovado', tinySequence: 10 }, 'aprovado', 11, 'duplicate', false, undefined],
    ['older situation arriving late', { tinySituation: 'faturado', tinySequence: 20 }, 'aprovado', 21, 'backwards', false, undefined],
    ['nothing moves a cancelled order', { tinySituation: 'cancelado', tinySequence: 20 }, 'enviado', 30, 'backwards', false, undefined],
    ['same rank, older sequence', { tinySituation: 'nao_entregue', tinySequence: 40 }, 'entregue', 39, 'stale-sequence', false, undefined],
    ['same rank, newer sequence', { tinySituation: 'nao_entregue', tinySequence: 40 }, 'entregue', 41, 'write-ideris', true, 1011],
    ['the hub wrote it in Tiny (echo)', { tinySituation: 'aprovado', pending: { side: 'tiny', value: 'cancelado' } }, 'cancelado', 50, 'echo', true, undefined],
    ['Ideris already holds the status', { iderisStatusId: 1010 }, 'faturado', 60, 'ideris-holds-it', true, undefined],
    ['Ideris cancelled: never revived', { tinySituation: 'faturado', iderisStatusId: 1012 }, 'enviado', 70, 'ideris-cancelled', true, undefined],
    ['a Tiny cancellation reaches a cancelled Ideris order as held', { iderisStatusId: 1012 }, 'cancelado', 80, 'ideris-holds-it', true, undefined],
    ['skipping situations forward is fine', { tinySituation: 'aberto', tinySequence: 1 }, 'enviado', 90, 'write-ideris', true, 1009],
    ['nao_entregue writes nothing by default', { tinySituation: 'enviado' }, 'nao_entregue', 95, 'unmapped', true, undefined],
  ])('%s', (_name, overrides, situation, streamSequence, outcome, accept, write) => {
    expect(decideTinyChange(state(overrides), { situation, streamSequence }, map)).toEqual({ outcome, accept, ...(write !== undefined ? { write } : {}) });
  });
});

describe('decideIderisChange (Ideris status → Tiny situation)', () => {
  it.each<[string, Partial<OrderStatusState>, number, string, TinyOrderSituation | undefined]>([
    ['cancellation of an open order', { tinySituation: 'aberto' }, 1012, 'write-tiny', 'cancelado'],
    ['cancellation of an approved order', { tinySituation: 'aprovado' }, 1012, 'write-tiny', 'cancelado'],
    ['cancellation while preparing the shipment', { tinySituation: 'preparando_envio' }, 1012, 'write-tiny', 'cancelado'],
    ['cancellation after invoicing', { tinySituation: 'faturado' }, 1012, 'needs-attention', undefined],
    ['cancellation when ready to ship', { tinySituation: 'pronto_envio' }, 1012, 'needs-attention', undefined],
    ['cancellation after shipping', { tinySituation: 'enviado' }, 1012, 'needs-attention', undefined],
    ['cancellation after delivery', { tinySituation: 'entregue' }, 1012, 'needs-attention', undefined],
    ['Tiny already cancelled', { tinySituation: 'cancelado' }, 1012, 'tiny-holds-it', undefined],
    ['the status the hub knows', { iderisStatusId: 1012, tinySituation: 'aberto' }, 1012, 'unchanged', undefined],
    ['the status the hub is writing (echo)', { pending: { side: 'ideris', value: '1010' } }, 1010, 'echo', undefined],
    ['a status without a Tiny counterpart', { tinySituation: 'aberto' }, 1009, 'unmapped', undefined],
    ['delivered moves Tiny forward', { tinySituation: 'enviado' }, 1011, 'write-tiny', 'entregue'],
    ['delivered never moves a cancelled order', { tinySituation: 'cancelado' }, 1011, 'tiny-ahead', undefined],
  ])('%s', (_name, overrides, statusId, outcome, write) => {
    expect(decideIderisChange(state(overrides), statusId, map)).toEqual({ outcome, ...(write ? { write } : {}) });
  });

  it('uses seller-defined statuses from the map', () => {
    const custom = { ...map, iderisToTiny: { ...map.iderisToTiny, '1223': 'preparando_envio' as const } };
    expect(decideIderisChange(state({ tinySituation: 'aprovado' }), 1223, custom)).toEqual({ outcome: 'write-tiny', write: 'preparando_envio' });
    expect(decideIderisChange(state({ tinySituation: 'faturado' }), 1223, custom)).toEqual({ outcome: 'tiny-ahead' });
  });
});
