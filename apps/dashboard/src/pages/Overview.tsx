import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { api } from '../api/client';
import { SWITCHABLE_FLOWS, type Health, type Overview, type OverviewRow } from '../api/views';
import { Badge, CsvButton, Empty, ErrorBox, Loading, Pager } from '../components/ui';
import { Partial } from './Failures';
import { ago, formatCnpj } from '../lib/format';
import { freshnessCell, HEALTH_LABEL, SITUATION_LABEL } from '../lib/freshness';
import { FLOW_LABEL } from '../lib/reasons';
import type { OverviewSearch } from '../lib/search';
import type { CsvColumn } from '../lib/csv';

const LIMIT = 50;
const COUNTERS: Health[] = ['failing', 'late', 'ok', 'inactive', 'not_set_up'];

export const fetchOverview = (s: OverviewSearch, limit = LIMIT, offset = s.offset ?? 0) =>
  api<Overview>('GET', '/overview', { query: { situation: s.situation, health: s.health, q: s.q, limit, offset } });

export const overviewCsv: CsvColumn<OverviewRow>[] = [
  { header: 'conexão', value: (r) => r.name },
  { header: 'cnpj', value: (r) => formatCnpj(r.cnpj) },
  { header: 'situação', value: (r) => SITUATION_LABEL[r.situation] },
  { header: 'saúde', value: (r) => HEALTH_LABEL[r.health] },
  ...SWITCHABLE_FLOWS.flatMap((f): CsvColumn<OverviewRow>[] => [
    { header: `${FLOW_LABEL[f]}: estado`, value: (r) => r.flows[f]?.state },
    { header: `${FLOW_LABEL[f]}: último sucesso`, value: (r) => r.flows[f]?.lastSuccessAt },
    { header: `${FLOW_LABEL[f]}: falhas`, value: (r) => r.flows[f]?.failures },
  ]),
];

export function OverviewTable({ rows, now = Date.now() }: { rows: OverviewRow[]; now?: number }) {
  return (
    <table className="grid">
      <thead>
        <tr>
          <th scope="col">Conexão</th>
          <th scope="col">Situação</th>
          <th scope="col">Saúde</th>
          {SWITCHABLE_FLOWS.map((f) => (
            <th scope="col" key={f}>
              {FLOW_LABEL[f]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <th scope="row">
              <Link to="/conexoes/$id" params={{ id: r.id }}>
                {r.name}
              </Link>
              <div className="sub">{formatCnpj(r.cnpj)}</div>
            </th>
            <td>
              <Badge tone={r.situation === 'active' ? 'ok' : r.situation === 'inactive' ? 'off' : 'idle'}>{SITUATION_LABEL[r.situation]}</Badge>
            </td>
            <td>
              <Badge tone={r.health}>{HEALTH_LABEL[r.health]}</Badge>
            </td>
            {SWITCHABLE_FLOWS.map((f) => {
              const flow = r.flows[f];
              const cell = freshnessCell(flow, now);
              return (
                <td key={f} className={`fresh fresh-${cell.tone}`} title={cell.title}>
                  <span>{cell.text}</span>
                  {flow && flow.failures > 0 ? (
                    <Link className="fail-count" to="/falhas" search={{ connectionId: r.id, flow: f }}>
                      {flow.failures} {flow.failures === 1 ? 'falha' : 'falhas'}
                      <span className="sr-only">
                        {' '}
                        de {FLOW_LABEL[f]} em {r.name}
                      </span>
                    </Link>
                  ) : null}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OverviewPage() {
  const search = useSearch({ from: '/' });
  const navigate = useNavigate({ from: '/' });
  const query = useQuery({ queryKey: ['overview', search], queryFn: () => fetchOverview(search), placeholderData: keepPreviousData, refetchInterval: 15_000 });
  const set = (patch: Partial<OverviewSearch>) => navigate({ search: (prev) => ({ ...prev, offset: undefined, ...patch }) });
  const data = query.data;
  return (
    <>
      <div className="page-head">
        <h1>Todas as conexões</h1>
        {data ? <span className="muted">atualizado {ago(data.generatedAt)}</span> : null}
      </div>
      <div className="counters">
        {COUNTERS.map((h) => (
          <Link key={h} to="/" search={h === search.health ? {} : { health: h }} className={`counter counter-${h}${search.health === h ? ' selected' : ''}`}>
            <strong>{data?.counts[h] ?? '–'}</strong>
            <span>{HEALTH_LABEL[h]}</span>
          </Link>
        ))}
      </div>
      <div className="filters">
        <label className="field inline">
          <span>Situação</span>
          <select value={search.situation ?? ''} onChange={(e) => set({ situation: (e.target.value || undefined) as OverviewSearch['situation'] })}>
            <option value="">Todas</option>
            {Object.entries(SITUATION_LABEL).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Nome ou CNPJ</span>
          <input type="search" defaultValue={search.q ?? ''} onKeyDown={(e) => e.key === 'Enter' && set({ q: e.currentTarget.value || undefined })} />
        </label>
        {search.health || search.situation || search.q ? (
          <Link to="/" search={{}} className="link">
            Limpar filtros
          </Link>
        ) : null}
        <span className="spacer" />
        <CsvButton filename="conexoes.csv" columns={overviewCsv} fetchPage={(limit, offset) => fetchOverview(search, limit, offset)} />
      </div>
      <ErrorBox error={query.error} />
      <Partial services={data?.partial} />
      {query.isPending ? <Loading /> : null}
      {data && data.items.length === 0 ? (
        <Empty>
          Nenhuma conexão com esses filtros. <Link to="/conexoes/nova">Criar uma conexão</Link>
        </Empty>
      ) : null}
      {data && data.items.length > 0 ? (
        <>
          <OverviewTable rows={data.items} />
          <Pager total={data.total} limit={LIMIT} offset={search.offset ?? 0} onOffset={(offset) => navigate({ search: (prev) => ({ ...prev, offset }) })} />
        </>
      ) : null}
    </>
  );
}
