import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../api/client';
import type { OrderStatusView, StatusMap } from '../api/views';
import { ConnectionPicker } from '../components/ConnectionPicker';
import { Badge, Confirm, CsvButton, Empty, ErrorBox, Loading, Pager, Section } from '../components/ui';
import type { CsvColumn } from '../lib/csv';
import { ago } from '../lib/format';

const TINY_SITUATIONS: Record<string, string> = {
  aberto: 'Em aberto',
  aprovado: 'Aprovado',
  preparando_envio: 'Preparando envio',
  faturado: 'Faturado',
  pronto_envio: 'Pronto para envio',
  enviado: 'Enviado',
  entregue: 'Entregue',
  nao_entregue: 'Não entregue',
  cancelado: 'Cancelado',
};
const LIMIT = 50;

interface StatusList {
  total: number;
  needsAttention: number;
  writes?: { tiny: number; ideris: number };
  orders: OrderStatusView[];
}
interface StoredMap {
  map: StatusMap;
  source: 'default' | 'operator';
  updatedAt: string;
}

export const statusCsv: CsvColumn<OrderStatusView>[] = [
  { header: 'pedido ideris', value: (o) => o.iderisOrderId },
  { header: 'pedido tiny', value: (o) => o.tinyOrderId },
  { header: 'situação no tiny', value: (o) => (o.tinySituation ? (TINY_SITUATIONS[o.tinySituation] ?? o.tinySituation) : '') },
  { header: 'status na ideris', value: (o) => o.iderisStatusId },
  { header: 'precisa de atenção', value: (o) => (o.needsAttention ? 'sim' : 'não') },
  { header: 'motivo', value: (o) => o.attentionReason },
  { header: 'resolução', value: (o) => o.attentionResolution },
  { header: 'atualizado em', value: (o) => o.updatedAt },
];

const listOf = (c: string, needsAttention: boolean, limit = LIMIT, offset = 0) =>
  api<StatusList>('GET', `/connections/${c}/status/orders`, { query: { needsAttention: needsAttention || undefined, limit, offset } });

function Attention({ c }: { c: string }) {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['status-attention', c], queryFn: () => listOf(c, true, 200), refetchInterval: 15_000 });
  const [asking, setAsking] = useState<{ id: number; action: 'cancel-in-tiny' | 'keep' } | null>(null);
  const resolve = useMutation({
    mutationFn: (v: { id: number; action: string }) => api('POST', `/connections/${c}/status/orders/${v.id}/resolve`, { body: { action: v.action } }),
    onSuccess: () => {
      setAsking(null);
      void qc.invalidateQueries({ queryKey: ['status-attention', c] });
      void qc.invalidateQueries({ queryKey: ['status-orders', c] });
    },
  });
  return (
    <Section title="Pedidos que precisam de atenção" actions={<CsvButton filename="situacoes-atencao.csv" columns={statusCsv} fetchPage={(limit, offset) => listOf(c, true, limit, offset).then((r) => ({ total: r.total, items: r.orders }))} />}>
      <p className="hint">Cancelados no marketplace depois que o Tiny já trabalhou neles (faturado, nota emitida): o hub não cancela sozinho. Escolha cancelar no Tiny ou manter.</p>
      {list.isPending ? <Loading /> : null}
      <ErrorBox error={list.error} />
      {list.data && list.data.orders.length === 0 ? <Empty>Nenhum pedido precisando de atenção.</Empty> : null}
      {list.data && list.data.orders.length > 0 ? (
        <table className="grid compact">
          <thead>
            <tr>
              <th scope="col">Pedido Ideris</th>
              <th scope="col">Pedido Tiny</th>
              <th scope="col">Situação no Tiny</th>
              <th scope="col">Motivo</th>
              <th scope="col">Desde</th>
              <th scope="col">Resolver</th>
            </tr>
          </thead>
          <tbody>
            {list.data.orders.map((o) => (
              <tr key={o.iderisOrderId}>
                <td>{o.iderisOrderId}</td>
                <td>{o.tinyOrderId}</td>
                <td>{o.tinySituation ? (TINY_SITUATIONS[o.tinySituation] ?? o.tinySituation) : '—'}</td>
                <td>{o.attentionReason ?? '—'}</td>
                <td>{ago(o.updatedAt)}</td>
                <td className="nowrap">
                  {asking?.id === o.iderisOrderId ? (
                    <Confirm text={asking.action === 'cancel-in-tiny' ? `Cancelar o pedido ${o.tinyOrderId} no Tiny?` : `Manter o pedido ${o.tinyOrderId} como está no Tiny?`} busy={resolve.isPending} onConfirm={() => resolve.mutate(asking)} onCancel={() => setAsking(null)} />
                  ) : (
                    <>
                      <button type="button" className="small" onClick={() => setAsking({ id: o.iderisOrderId, action: 'cancel-in-tiny' })}>
                        Cancelar no Tiny
                      </button>{' '}
                      <button type="button" className="small secondary" onClick={() => setAsking({ id: o.iderisOrderId, action: 'keep' })}>
                        Manter
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ErrorBox error={resolve.error} />
    </Section>
  );
}

function AllStatuses({ c }: { c: string }) {
  const [offset, setOffset] = useState(0);
  const list = useQuery({ queryKey: ['status-orders', c, offset], queryFn: () => listOf(c, false, LIMIT, offset), placeholderData: keepPreviousData });
  return (
    <Section title="Situação dos pedidos importados" actions={<CsvButton filename="situacoes.csv" columns={statusCsv} fetchPage={(limit, o) => listOf(c, false, limit, o).then((r) => ({ total: r.total, items: r.orders }))} />}>
      {list.data?.writes ? (
        <p className="sub">
          Escritas do hub: {list.data.writes.tiny} no Tiny, {list.data.writes.ideris} na Ideris.
        </p>
      ) : null}
      <ErrorBox error={list.error} />
      {list.data && list.data.orders.length === 0 ? <Empty>Nenhum pedido importado ainda.</Empty> : null}
      {list.data && list.data.orders.length > 0 ? (
        <>
          <table className="grid compact">
            <thead>
              <tr>
                <th scope="col">Pedido Ideris</th>
                <th scope="col">Pedido Tiny</th>
                <th scope="col">Situação no Tiny</th>
                <th scope="col">Status na Ideris</th>
                <th scope="col">Última escrita do hub</th>
                <th scope="col">Atualizado</th>
              </tr>
            </thead>
            <tbody>
              {list.data.orders.map((o) => (
                <tr key={o.iderisOrderId}>
                  <td>{o.iderisOrderId}</td>
                  <td>{o.tinyOrderId}</td>
                  <td>
                    {o.tinySituation ? (TINY_SITUATIONS[o.tinySituation] ?? o.tinySituation) : '—'} {o.needsAttention ? <Badge tone="late">atenção</Badge> : null}
                  </td>
                  <td>{o.iderisStatusId ?? '—'}</td>
                  <td>{o.lastWritten ? `${o.lastWritten.side === 'tiny' ? 'Tiny' : 'Ideris'}: ${o.lastWritten.value} (${ago(o.lastWritten.at)})` : '—'}</td>
                  <td>{ago(o.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager total={list.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
        </>
      ) : null}
    </Section>
  );
}

function StatusMapEditor({ c }: { c: string }) {
  const qc = useQueryClient();
  const stored = useQuery({ queryKey: ['status-map', c], queryFn: () => api<StoredMap>('GET', `/connections/${c}/status-map`) });
  const [draft, setDraft] = useState<StatusMap | null>(null);
  const save = useMutation({
    mutationFn: (map: StatusMap) => api<StoredMap>('PUT', `/connections/${c}/status-map`, { body: { tinyToIderis: map.tinyToIderis, iderisToTiny: map.iderisToTiny } }),
    onSuccess: (s) => {
      qc.setQueryData(['status-map', c], s);
      setDraft(null);
    },
  });
  if (stored.isPending) return <Loading />;
  if (!stored.data) return <ErrorBox error={stored.error} />;
  const map = draft ?? stored.data.map;
  const iderisIds = Object.keys(map.iderisToTiny).sort((a, b) => Number(a) - Number(b));
  return (
    <Section title="Mapa de situações" actions={<span className="sub">{stored.data.source === 'operator' ? 'definido por um operador' : 'padrão (catálogo de status da Ideris)'}</span>}>
      <div className="two-col">
        <div>
          <h3>Tiny → Ideris</h3>
          <table className="grid compact">
            <tbody>
              {Object.keys(TINY_SITUATIONS).map((s) => (
                <tr key={s}>
                  <th scope="row">{TINY_SITUATIONS[s]}</th>
                  <td>
                    <input
                      aria-label={`Status da Ideris para ${TINY_SITUATIONS[s]}`}
                      type="number"
                      value={map.tinyToIderis[s] ?? ''}
                      placeholder="não enviar"
                      onChange={(e) => setDraft({ ...map, tinyToIderis: { ...map.tinyToIderis, [s]: e.target.value === '' ? null : Number(e.target.value) } })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <h3>Ideris → Tiny</h3>
          <table className="grid compact">
            <tbody>
              {iderisIds.map((id) => (
                <tr key={id}>
                  <th scope="row">status {id}</th>
                  <td>
                    <select aria-label={`Situação do Tiny para o status ${id} da Ideris`} value={map.iderisToTiny[id]} onChange={(e) => setDraft({ ...map, iderisToTiny: { ...map.iderisToTiny, [id]: e.target.value } })}>
                      {Object.entries(TINY_SITUATIONS).map(([k, v]) => (
                        <option key={k} value={k}>
                          {v}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <button type="button" disabled={!draft || save.isPending} onClick={() => draft && save.mutate(draft)}>
        Salvar mapa de situações
      </button>
      <ErrorBox error={save.error} />
    </Section>
  );
}

export function StatusPage() {
  const { connectionId } = useSearch({ from: '/situacoes' });
  const navigate = useNavigate({ from: '/situacoes' });
  return (
    <>
      <div className="page-head">
        <h1>Situações dos pedidos</h1>
        <ConnectionPicker value={connectionId} onChange={(id) => navigate({ search: { connectionId: id } })} />
      </div>
      {!connectionId ? <Empty>Escolha uma conexão.</Empty> : null}
      {connectionId ? (
        <>
          <Attention c={connectionId} />
          <AllStatuses c={connectionId} />
          <StatusMapEditor c={connectionId} />
        </>
      ) : null}
    </>
  );
}
