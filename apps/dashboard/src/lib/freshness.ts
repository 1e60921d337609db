import type { FlowFreshness, FlowState, Health, Situation } from '../api/views';
import { ago, cadence } from './format';

export interface FreshnessCell {
  text: string;
  tone: 'ok' | 'late' | 'failing' | 'idle' | 'off';
  title: string;
}

/**
 * What one flow's cell of the all-sellers table says. The state comes from the gateway (judged against
 * the flow's cadence: late at 1×, failing at 2× with work pending, or when the last attempt failed);
 * the text adds when it last worked, so "atrasado" and "falhando" still tell since when.
 */
export function freshnessCell(flow: FlowFreshness | undefined, now: number = Date.now()): FreshnessCell {
  if (!flow) return { text: '—', tone: 'idle', title: 'sem dados deste fluxo' };
  const last = flow.lastSuccessAt ? ago(flow.lastSuccessAt, now) : 'nunca';
  const expected = `esperado ${cadence(flow.expectedEverySeconds)}`;
  const pending = flow.pending > 0 ? `, ${flow.pending} pendente${flow.pending === 1 ? '' : 's'}` : '';
  const pollerError = flow.poller?.lastError ? `; último erro: ${flow.poller.lastError}` : '';
  const title = `último sucesso: ${last}; ${expected}${pending}${pollerError}`;
  switch (flow.state) {
    case 'unknown':
      return { text: 'sem resposta', tone: 'idle', title: 'o serviço deste fluxo não respondeu a tempo' };
    case 'off':
      return { text: 'desligado', tone: 'off', title: 'fluxo desligado nesta conexão' };
    case 'failing':
      return { text: 'falhando', tone: 'failing', title };
    case 'late':
      return { text: `atrasado (${last})`, tone: 'late', title };
    case 'idle':
      return { text: flow.lastSuccessAt ? last : 'sem movimento', tone: 'idle', title };
    default:
      return { text: flow.lastSuccessAt ? last : 'em dia', tone: 'ok', title };
  }
}

export const SITUATION_LABEL: Record<Situation, string> = {
  not_installed: 'não instalada',
  not_configured: 'não configurada',
  active: 'ativa',
  inactive: 'inativa',
};

export const HEALTH_LABEL: Record<Health, string> = {
  ok: 'em dia',
  late: 'atrasada',
  failing: 'com falhas',
  inactive: 'inativa',
  not_set_up: 'não configurada',
};

export const FLOW_STATE_LABEL: Record<FlowState, string> = {
  ok: 'em dia',
  late: 'atrasado',
  failing: 'falhando',
  idle: 'sem movimento',
  off: 'desligado',
  unknown: 'sem resposta',
};
