import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { FAILURES_LIMIT, FAILURES_MAX_ROWS, fetchFailureGroups, fetchFailures, retryFilter, retryFilterOf, retryRefs } from '../api/failures';
import { FLOWS, type Flow, type WorkItemView } from '../api/views';
import { BulkRetry } from '../components/BulkRetry';
import { ConnectionPicker } from '../components/ConnectionPicker';
import { Badge, CsvButton, Empty, ErrorBox, Loading, Pager, Section } from '../components/ui';
import type { CsvColumn } from '../lib/csv';
import { ago, formatDateTime } from '../lib/format';
import { FLOW_LABEL, reasonText, STATUS_LABEL } from '../lib/reasons';
import type { FailuresSearch } from '../lib/search';

export const failuresCsv: CsvColumn<WorkItemView>[] = [
  { header: 'conexão', value: (r) => r.connectionName ?? '' },
  { header: 'fluxo', value: (r) => FLOW_LABEL[r.flow] ?? r.flow },
  { header: 'chave', value: (r) => r.key },
  { header: 'situação', value: (r) => STATUS_LABEL[r.status] ?? r.status },
  { header: 'resultado', value: (r) => r.outcome },
  { header: 'motivo', value: (r) => reasonText(r.reasonCode, r.reasonDetail) },
  { header: 'código do motivo', value: (r) => r.reasonCode },
  { header: 'detalhe', value: (r) => r.reasonDetail },
  { header: 'tentativas', value: (r) => r.attempts },
  { header: 'pedido ideris', value: (r) => r.refs.iderisOrderId },
  { header: 'nº marketplace', value: (r) => r.refs.marketplaceOrderCode },
  { header: 'pedido tiny', value: (r) => r.refs.tinyOrderNumber },
  { header: 'chave nf-e', value: (r) => r.refs.nfeKey },
  { header: 'sku', value: (r) => r.refs.sku },
  { header: 'atualizado em', value: (r) => r.updatedAt },
];

export function refsText(r: WorkItemView['refs']): string {
  const parts: string[] = [];
  if (r.marketplaceOrderCode) parts.push(`marketplace ${r.marketplaceOrderCode}`);
  if (r.iderisOrderId) parts.push(`Ideris ${r.iderisOrderId}`);
  if (r.tinyOrderNumber) parts.push(`Tiny nº ${r.tinyOrderNumber}`);
  if (r.nfeKey) parts.push(`NF-e …${r.nfeKey.slice(-8)}`);
  if (r.sku) parts.push(`SKU ${r.sku}`);
  return parts.join(' · ');
}

/** Says which services did not answer, so a short list is not taken for an empty one. */
export function Partial({ services }: { services?: string[] }) {
  if (!services || services.length === 0) return null;
  return (
    <div className="error" role="status">
      Sem resposta de {services.join(', ')}: a lista pode estar incompleta.
    </div>
  );
}

function Groups({ search }: { search: FailuresSearch }) {
  const groups = useQuery({ queryKey: ['failure-groups', search.connectionId, search.flow], queryFn: () => fetchFailureGroups(search), refetchInterval: 15_000 });
  if (groups.isPending) return <Loading />;
  if (groups.error) return <ErrorBox error={groups.error} />;
  if (groups.data.groups.length === 0 && groups.data.partial?.length) return <Partial services={groups.data.partial} />;
  if (groups.data.groups.length === 0) return <Empty>Nenhuma falha. Tudo em dia.</Empty>;
  return (
    <table className="grid compact">
      <thead>
        <tr>
          <th scope="col">Conexão</th>
          <th scope="col">Fluxo</th>
          <th scope="col">Motivo</th>
          <th scope="col" className="num">
            Itens
          </th>
          <th scope="col">Mais antigo</th>
        </tr>
      </thead>
      <tbody>
        {groups.data.groups.map((g) => {
          const selected = search.connectionId === g.connectionId && search.flow === g.flow && search.reasonCode === g.reasonCode;
          return (
            <tr key={`${g.connectionId}|${g.flow}|${g.reasonCode}`} className={selected ? 'selected' : undefined}>
              <td>{g.connectionName ?? '—'}</td>
              <td>{FLOW_LABEL[g.flow] ?? g.flow}</td>
              <td>
                <Link to="/falhas" search={{ connectionId: g.connectionId ?? undefined, flow: g.flow, reasonCode: g.reasonCode }}>
                  {reasonText(g.reasonCode, g.sampleDetail)}
                </Link>
                {g.sampleDetail && reasonText(g.reasonCode, null) !== g.sampleDetail ? <div className="sub">{g.sampleDetail}</div> : null}
              </td>
              <td className="num">{g.count.toLocaleString('pt-BR')}</td>
              <td title={formatDateTime(g.oldestAt)}>{ago(g.oldestAt)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function FailuresTable({ items, selected, onToggle, onToggleAll }: { items: WorkItemView[]; selected: Set<string>; onToggle: (ref: string) => void; onToggleAll: (on: boolean) => void }) {
  const all = items.length > 0 && items.every((i) => selected.has(i.ref));
  return (
    <table className="grid">
      <thead>
        <tr>
          <th scope="col" className="check">
            <input type="checkbox" aria-label="Selecionar todos desta página" checked={all} onChange={(e) => onToggleAll(e.target.checked)} />
          </th>
          <th scope="col">Conexão</th>
          <th scope="col">Fluxo</th>
          <th scope="col">Item</th>
          <th scope="col">Motivo</th>
          <th scope="col">Situação</th>
          <th scope="col" className="num">
            Tentativas
          </th>
          <th scope="col">Atualizado</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.ref}>
            <td className="check">
              <input type="checkbox" aria-label={`Selecionar ${i.key}`} checked={selected.has(i.ref)} onChange={() => onToggle(i.ref)} />
            </td>
            <td className="nowrap">{i.connectionName ?? '—'}</td>
            <td className="nowrap">{FLOW_LABEL[i.flow] ?? i.flow}</td>
            <td>
              <Link to="/falhas/item" search={{ ref: i.ref }}>
                {i.key}
              </Link>
              <div className="sub">{refsText(i.refs)}</div>
            </td>
            <td>
              {reasonText(i.reasonCode, i.reasonDetail)}
              {i.reasonDetail && reasonText(i.reasonCode, null) !== i.reasonDetail ? <div className="sub">{i.reasonDetail}</div> : null}
            </td>
            <td>
              <Badge tone={i.status === 'gave_up' ? 'failing' : i.status === 'succeeded' ? 'ok' : i.status === 'running' ? 'idle' : 'late'}>{STATUS_LABEL[i.status] ?? i.status}</Badge>
            </td>
            <td className="num">{i.attempts}</td>
            <td title={formatDateTime(i.updatedAt)}>{ago(i.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FailuresPage() {
  const search = useSearch({ from: '/falhas' });
  const navigate = useNavigate({ from: '/falhas' });
  const qc = useQueryClient();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const list = useQuery({ queryKey: ['failures', search], queryFn: () => fetchFailures(search), placeholderData: keepPreviousData, refetchInterval: 15_000 });
  const set = (patch: Partial<FailuresSearch>) => {
    setSelected(new Set());
    void navigate({ search: (prev) => ({ ...prev, offset: undefined, ...patch }) });
  };
  const toggle = (ref: string) => setSelected((s) => {
    const next = new Set(s);
    if (next.has(ref)) next.delete(ref);
    else next.add(ref);
    return next;
  });
  const refresh = () => {
    setSelected(new Set());
    void qc.invalidateQueries({ queryKey: ['failures'] });
    void qc.invalidateQueries({ queryKey: ['failure-groups'] });
  };
  return (
    <>
      <div className="page-head">
        <h1>Falhas</h1>
        <span className="muted">de todos os fluxos, agrupadas por conexão e motivo</span>
      </div>
      <Section title="Por conexão e motivo">
        <Groups search={search} />
      </Section>
      <div className="filters">
        <ConnectionPicker allowAll value={search.connectionId} onChange={(connectionId) => set({ connectionId })} />
        <label className="field inline">
          <span>Fluxo</span>
          <select value={search.flow ?? ''} onChange={(e) => set({ flow: (e.target.value || undefined) as Flow | undefined })}>
            <option value="">Todos</option>
            {FLOWS.map((f) => (
              <option key={f} value={f}>
                {FLOW_LABEL[f]}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Situação</span>
          <select value={search.status ?? ''} onChange={(e) => set({ status: e.target.value || undefined })}>
            <option value="">Todas</option>
            {Object.entries(STATUS_LABEL).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Id, nº ou SKU</span>
          <input type="search" defaultValue={search.q ?? ''} onKeyDown={(e) => e.key === 'Enter' && set({ q: e.currentTarget.value || undefined })} />
        </label>
        {search.reasonCode ? (
          <span className="chip">
            motivo: {reasonText(search.reasonCode)}{' '}
            <button type="button" className="link" aria-label="Tirar o filtro de motivo" onClick={() => set({ reasonCode: undefined })}>
              ×
            </button>
          </span>
        ) : null}
        <span className="spacer" />
        <CsvButton filename="falhas.csv" columns={failuresCsv} maxRows={FAILURES_MAX_ROWS} fetchPage={(limit, offset) => fetchFailures(search, limit, offset)} />
      </div>
      <BulkRetry selected={[...selected]} total={list.data?.total ?? 0} onSelection={retryRefs} onFilter={() => retryFilter(retryFilterOf(search))} onDone={refresh} filterDisabledReason={search.status ? 'Tire o filtro de situação para reenviar tudo do filtro' : undefined} />
      <ErrorBox error={list.error} />
      <Partial services={list.data?.partial} />
      {list.isPending ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <Empty>Nenhum item com esses filtros.</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <>
          <FailuresTable items={list.data.items} selected={selected} onToggle={toggle} onToggleAll={(on) => setSelected(on ? new Set(list.data.items.map((i) => i.ref)) : new Set())} />
          <Pager total={list.data.total} limit={FAILURES_LIMIT} offset={search.offset ?? 0} onOffset={(offset) => navigate({ search: (prev) => ({ ...prev, offset }) })} />
        </>
      ) : null}
    </>
  );
}
