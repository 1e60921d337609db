import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../api/client';
import type { PriceConfirmation, StockPush, StockState } from '../api/views';
import { ConnectionPicker } from '../components/ConnectionPicker';
import { Confirm, CsvButton, Empty, ErrorBox, Loading, Section } from '../components/ui';
import type { CsvColumn } from '../lib/csv';
import { ago, formatCents, formatDateTime } from '../lib/format';
import { reasonText } from '../lib/reasons';

const PENDING_REASON: Record<string, string> = {
  notified: 'notificação de estoque do Tiny, aguardando envio',
  notification: 'notificação de estoque do Tiny, aguardando envio',
  reorder: 'notificações fora de ordem: reler o saldo no Tiny',
  awaiting_feed: 'notificações divergentes: aguardando a fila de estoque do Tiny',
  feed: 'saldo lido da fila de estoque do Tiny, aguardando envio',
  order_imported: 'pedido importado: aguarda a notificação de estoque do Tiny; sem ela, o saldo é relido no Tiny após 20 s',
  sweep: 'diferença achada na varredura',
  kit: 'componente de kit mudou',
};
const PROBLEM_KIND: Record<string, string> = {
  unknown_sku: 'SKU não existe na Ideris',
  refused: 'A Ideris recusou o saldo',
  tiny_product_unknown: 'Produto não existe mais no Tiny',
};
const code = (s: string) => s.replace(/-/g, '_');

export const pushesCsv: CsvColumn<StockPush>[] = [
  { header: 'sku', value: (p) => p.sku },
  { header: 'quantidade', value: (p) => p.quantity },
  { header: 'quantidade anterior', value: (p) => p.previousQuantity },
  { header: 'latência (ms)', value: (p) => p.latencyMs },
  { header: 'enviado em', value: (p) => p.at },
];

export const confirmationsCsv: CsvColumn<PriceConfirmation>[] = [
  { header: 'sku', value: (p) => p.sku },
  { header: 'marketplace', value: (p) => p.marketplace },
  { header: 'preço atual (centavos)', value: (p) => p.oldPriceCents },
  { header: 'preço novo (centavos)', value: (p) => p.newPriceCents },
  { header: 'queda (%)', value: (p) => p.dropPercent },
  { header: 'situação', value: (p) => p.status },
  { header: 'criado em', value: (p) => p.createdAt },
];

const stockOf = (c: string, limit = 50) => api<StockState>('GET', `/connections/${c}/stock`, { query: { limit } });
const confirmationsOf = (c: string, limit = 100) => api<{ confirmations: PriceConfirmation[] }>('GET', `/connections/${c}/price-confirmations`, { query: { limit } }).then((r) => r.confirmations);

function latency(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function StockPanel({ c }: { c: string }) {
  const qc = useQueryClient();
  const state = useQuery({ queryKey: ['stock', c], queryFn: () => stockOf(c), refetchInterval: 10_000 });
  const sweep = useMutation({ mutationFn: () => api<{ started: boolean }>('POST', `/connections/${c}/stock/sweep`), onSuccess: () => qc.invalidateQueries({ queryKey: ['stock', c] }) });
  if (state.isPending) return <Loading />;
  if (!state.data) return <ErrorBox error={state.error} />;
  const s = state.data;
  const sweepInfo = s.reconciliation?.sweep;
  return (
    <>
      <Section
        title="Estoque: Tiny → Ideris"
        actions={
          <>
            <button type="button" onClick={() => sweep.mutate()} disabled={sweep.isPending}>
              Rodar varredura agora
            </button>
            <CsvButton filename="envios-de-estoque.csv" columns={pushesCsv} fetchPage={async () => { const r = await stockOf(c, 200); return { total: r.lastPushes.length, items: r.lastPushes }; }} />
          </>
        }
      >
        {sweep.data ? <div className="notice ok">{sweep.data.started ? 'Varredura iniciada (lane bulk): diferenças serão enviadas.' : 'Uma varredura já está em andamento.'}</div> : null}
        <ErrorBox error={sweep.error} />
        <div className="stats">
          <div>
            <strong>{s.pending}</strong> SKUs pendentes
          </div>
          <div>
            <strong>{s.retrying}</strong> em nova tentativa
          </div>
          <div>pendente mais antigo: {ago(s.oldestPendingAt)}</div>
          <div>última varredura completa: {sweepInfo && typeof sweepInfo.lastPassFinishedAt === 'string' ? ago(sweepInfo.lastPassFinishedAt) : 'nenhuma ainda'}</div>
        </div>
        {Object.keys(s.pendingByReason).length > 0 ? (
          <ul className="inline-list">
            {Object.entries(s.pendingByReason).map(([k, n]) => (
              <li key={k}>
                <strong>{n}</strong> {n === 1 ? 'SKU' : 'SKUs'} · {PENDING_REASON[code(k)] ?? reasonText(code(k))}
              </li>
            ))}
          </ul>
        ) : null}
        <h3>Últimos envios</h3>
        {s.lastPushes.length === 0 ? <Empty>Nenhum envio ainda.</Empty> : null}
        {s.lastPushes.length > 0 ? (
          <table className="grid compact">
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col" className="num">
                  Quantidade
                </th>
                <th scope="col" className="num">
                  Antes
                </th>
                <th scope="col" className="num">
                  Latência
                </th>
                <th scope="col">Quando</th>
              </tr>
            </thead>
            <tbody>
              {s.lastPushes.map((p, i) => (
                <tr key={`${p.sku}-${p.sourceSequence}-${i}`}>
                  <td>
                    <code>{p.sku}</code>
                  </td>
                  <td className="num">{p.quantity}</td>
                  <td className="num">{p.previousQuantity ?? '—'}</td>
                  <td className="num">{latency(p.latencyMs)}</td>
                  <td title={formatDateTime(p.at)}>{ago(p.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <h3>Problemas</h3>
        {s.problems.length === 0 ? <Empty>Nenhum problema de estoque.</Empty> : null}
        {s.problems.length > 0 ? (
          <table className="grid compact">
            <tbody>
              {s.problems.map((p, i) => (
                <tr key={`${p.sku}-${i}`}>
                  <td>
                    <code>{p.sku}</code>
                  </td>
                  <td>{PROBLEM_KIND[code(p.kind)] ?? reasonText(code(p.kind), p.detail)}</td>
                  <td className="sub">{p.detail}</td>
                  <td>{ago(p.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
    </>
  );
}

function PriceDrops({ c }: { c: string }) {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['price-confirmations', c], queryFn: () => confirmationsOf(c), refetchInterval: 10_000 });
  const [asking, setAsking] = useState<{ id: string; action: 'confirm' | 'reject' } | null>(null);
  const decide = useMutation({
    mutationFn: (v: { id: string; action: 'confirm' | 'reject' }) => api('POST', `/connections/${c}/price-confirmations/${v.id}/${v.action}`),
    onSuccess: () => {
      setAsking(null);
      void qc.invalidateQueries({ queryKey: ['price-confirmations', c] });
    },
  });
  return (
    <Section title="Quedas de preço seguradas" actions={<CsvButton filename="quedas-de-preco.csv" columns={confirmationsCsv} fetchPage={async () => { const items = await confirmationsOf(c, 500); return { total: items.length, items }; }} />}>
      <p className="hint">
        Quedas acima do limite das <Link to="/conexoes/$id" params={{ id: c }}>regras de preço</Link> esperam uma decisão: confirmar envia o preço novo à Ideris; rejeitar mantém o preço que ela tem.
      </p>
      {list.isPending ? <Loading /> : null}
      <ErrorBox error={list.error} />
      {list.data && list.data.length === 0 ? <Empty>Nenhuma queda de preço aguardando confirmação.</Empty> : null}
      {list.data && list.data.length > 0 ? (
        <table className="grid compact">
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Marketplace</th>
              <th scope="col" className="num">
                Preço na Ideris
              </th>
              <th scope="col" className="num">
                Preço novo
              </th>
              <th scope="col" className="num">
                Queda
              </th>
              <th scope="col">Desde</th>
              <th scope="col">Decisão</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((p) => (
              <tr key={p.id}>
                <td>
                  <code>{p.sku}</code>
                </td>
                <td>{p.marketplace}</td>
                <td className="num">{formatCents(p.oldPriceCents)}</td>
                <td className="num">{formatCents(p.newPriceCents)}</td>
                <td className="num">{p.dropPercent.toLocaleString('pt-BR', { maximumFractionDigits: 1 })}%</td>
                <td>{ago(p.createdAt)}</td>
                <td className="nowrap">
                  {p.status !== 'pending' ? (
                    <span>{p.status}</span>
                  ) : asking?.id === p.id ? (
                    <Confirm
                      text={asking.action === 'confirm' ? `Enviar ${formatCents(p.newPriceCents)} para ${p.sku}?` : `Manter ${formatCents(p.oldPriceCents)} para ${p.sku}?`}
                      busy={decide.isPending}
                      onConfirm={() => decide.mutate(asking)}
                      onCancel={() => setAsking(null)}
                    />
                  ) : (
                    <>
                      <button type="button" className="small" onClick={() => setAsking({ id: p.id, action: 'confirm' })}>
                        Confirmar queda
                      </button>{' '}
                      <button type="button" className="small secondary" onClick={() => setAsking({ id: p.id, action: 'reject' })}>
                        Rejeitar
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ErrorBox error={decide.error} />
    </Section>
  );
}

export function StockPage() {
  const { connectionId } = useSearch({ from: '/estoque' });
  const navigate = useNavigate({ from: '/estoque' });
  return (
    <>
      <div className="page-head">
        <h1>Estoque e preços</h1>
        <ConnectionPicker value={connectionId} onChange={(id) => navigate({ search: { connectionId: id } })} />
      </div>
      {!connectionId ? <Empty>Escolha uma conexão.</Empty> : null}
      {connectionId ? (
        <>
          <PriceDrops c={connectionId} />
          <StockPanel c={connectionId} />
        </>
      ) : null}
    </>
  );
}
