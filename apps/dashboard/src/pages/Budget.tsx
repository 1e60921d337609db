import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { api } from '../api/client';
import { SWITCHABLE_FLOWS, type ActivityView, type Budget, type BudgetView, type Flow } from '../api/views';
import { Bars, ProcessedVsFailed } from '../components/Charts';
import { ConnectionPicker } from '../components/ConnectionPicker';
import { Empty, ErrorBox, Loading, Section } from '../components/ui';
import { ago, formatDateTime } from '../lib/format';
import { FLOW_LABEL } from '../lib/reasons';

function BudgetCard({ name, b, series }: { name: string; b: Budget; series: number[] }) {
  const limit = b.limitPerMinute;
  const pct = limit ? Math.min(100, Math.round((b.usedLastMinute / Math.max(1, limit)) * 100)) : 0;
  return (
    <div className="card">
      <h3>{name}</h3>
      <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={limit ?? 0} aria-valuenow={b.usedLastMinute} aria-label={`${name}: chamadas no último minuto`}>
        <div className={`meter-fill ${pct >= 90 ? 'hot' : pct >= 70 ? 'warm' : ''}`} style={{ width: `${pct}%` }} />
      </div>
      <p>
        {limit ? (
          <>
            <strong>{b.usedLastMinute}</strong> de {limit} chamadas/min ({pct}%)
          </>
        ) : (
          <>
            <strong>{b.usedLastMinute}</strong> chamadas/min (limite ainda desconhecido: nenhuma chamada feita)
          </>
        )}
      </p>
      <table className="grid compact">
        <tbody>
          <tr>
            <th scope="row">Tempo real (webhooks, estoque)</th>
            <td className="num">{b.byLane.realtime}</td>
          </tr>
          <tr>
            <th scope="row">Normal (pedidos, notas)</th>
            <td className="num">{b.byLane.normal}</td>
          </tr>
          <tr>
            <th scope="row">Em lote (varreduras, importações)</th>
            <td className="num">{b.byLane.bulk}</td>
          </tr>
          <tr>
            <th scope="row">Trabalho na fila</th>
            <td className="num">{b.queued}</td>
          </tr>
          <tr>
            <th scope="row">Bloqueios nas últimas 24 h</th>
            <td className="num">
              {b.blocks.last24h} {b.blocks.lastAt ? <span className="sub">(último {ago(b.blocks.lastAt)})</span> : null}
            </td>
          </tr>
        </tbody>
      </table>
      {b.pausedUntil ? <div className="error">Pausado pela API até {formatDateTime(b.pausedUntil)}</div> : null}
      <Bars values={series} max={limit ?? undefined} label={`${name}: chamadas por minuto na última hora`} tone={name === 'Tiny' ? 'tiny' : 'ideris'} />
      <p className="sub">chamadas por minuto, última hora (escala: o limite)</p>
    </div>
  );
}

const HOUR = 3_600_000;
const hourKey = (iso: string) => new Date(iso).toISOString().slice(0, 13);

/** One slot per hour from `from` to `to` (hours without work are zeros), so 24 h always spans the whole chart. */
export function activitySeries(view: ActivityView, flow: Flow): { processed: number[]; failed: number[]; hours: string[] } {
  const start = Math.floor(Date.parse(view.from) / HOUR) * HOUR;
  const end = Date.parse(view.to);
  const hours: string[] = [];
  for (let t = start; t <= end; t += HOUR) hours.push(new Date(t).toISOString().slice(0, 13));
  const byHour = new Map(view.buckets.filter((b) => b.flow === flow).map((b) => [hourKey(b.hour), b]));
  return { hours, processed: hours.map((h) => byHour.get(h)?.processed ?? 0), failed: hours.map((h) => byHour.get(h)?.failed ?? 0) };
}

/** Calls per minute over the last 60 minutes, a zero for each quiet minute. */
export function minuteSeries(perMinute: BudgetView['perMinute'], now: number, pick: 'tiny' | 'ideris'): number[] {
  const byMinute = new Map(perMinute.map((m) => [new Date(m.minute).toISOString().slice(0, 16), m[pick]]));
  const last = Math.floor(now / 60_000) * 60_000;
  return Array.from({ length: 60 }, (_, i) => byMinute.get(new Date(last - (59 - i) * 60_000).toISOString().slice(0, 16)) ?? 0);
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('pt-BR')} ${n === 1 ? one : many}`;

function Activity({ c }: { c?: string }) {
  const q = useQuery({ queryKey: ['activity', c], queryFn: () => api<ActivityView>('GET', '/activity', { query: { connectionId: c, hours: 24 } }), refetchInterval: 60_000 });
  if (q.isPending) return <Loading />;
  if (!q.data) return <ErrorBox error={q.error} />;
  const view = q.data;
  return (
    <Section title="Processados × falhas por fluxo, últimas 24 h">
      <div className="chart-grid">
        {SWITCHABLE_FLOWS.map((f) => {
          const s = activitySeries(view, f);
          const p = s.processed.reduce((a, b) => a + b, 0);
          const x = s.failed.reduce((a, b) => a + b, 0);
          return (
            <figure key={f} className="card">
              <figcaption>
                <strong>{FLOW_LABEL[f]}</strong> <span className="ok-text">{plural(p, 'processado', 'processados')}</span> · <span className={x > 0 ? 'fail-text' : 'muted'}>{plural(x, 'falha', 'falhas')}</span>
              </figcaption>
              <ProcessedVsFailed processed={s.processed} failed={s.failed} label={`${FLOW_LABEL[f]}: ${p} processados e ${x} falhas em 24 h`} />
            </figure>
          );
        })}
      </div>
      <p className="sub">Barras para cima: processados por hora; para baixo: falhas. De {formatDateTime(view.from)} a {formatDateTime(view.to)}.</p>
    </Section>
  );
}

export function BudgetPage() {
  const { connectionId } = useSearch({ from: '/consumo' });
  const navigate = useNavigate({ from: '/consumo' });
  const budget = useQuery({ queryKey: ['budget', connectionId], queryFn: () => api<BudgetView>('GET', `/connections/${connectionId}/budget`), enabled: Boolean(connectionId), refetchInterval: 10_000 });
  return (
    <>
      <div className="page-head">
        <h1>Consumo da API</h1>
        <ConnectionPicker value={connectionId} onChange={(id) => navigate({ search: { connectionId: id } })} />
      </div>
      {!connectionId ? <Empty>Escolha uma conexão para ver o limite de chamadas do Tiny e da Ideris. Os gráficos abaixo somam todas as conexões.</Empty> : null}
      {connectionId && budget.isPending ? <Loading /> : null}
      <ErrorBox error={budget.error} />
      {budget.data ? (
        <div className="two-col">
          <BudgetCard name="Tiny" b={budget.data.tiny} series={minuteSeries(budget.data.perMinute, Date.now(), 'tiny')} />
          <BudgetCard name="Ideris" b={budget.data.ideris} series={minuteSeries(budget.data.perMinute, Date.now(), 'ideris')} />
        </div>
      ) : null}
      <Activity c={connectionId} />
    </>
  );
}
