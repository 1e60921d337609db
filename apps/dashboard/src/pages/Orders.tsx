import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { Fragment, useState } from 'react';
import { getMarketplaces } from '../api/connections';
import { fetchOrder, fetchOrders, ORDERS_LIMIT, postStock, reprocessOrder, reprocessParked, type OrdersFilter } from '../api/orders';
import { ORDER_STATES, type OrderView } from '../api/views';
import { ConnectionPicker } from '../components/ConnectionPicker';
import { SkuMappingFix } from '../components/SkuMappingFix';
import { Badge, Confirm, CsvButton, Empty, ErrorBox, Json, Loading, Pager } from '../components/ui';
import type { CsvColumn } from '../lib/csv';
import { ago, formatDateTime } from '../lib/format';
import { ORDER_STATE_LABEL, reasonText } from '../lib/reasons';
import type { OrdersSearch } from '../lib/search';

export const ordersCsv: CsvColumn<OrderView>[] = [
  { header: 'pedido ideris', value: (o) => o.iderisOrderId },
  { header: 'marketplace', value: (o) => o.marketplace },
  { header: 'nº marketplace', value: (o) => o.marketplaceOrderCode },
  { header: 'situação', value: (o) => ORDER_STATE_LABEL[o.state] ?? o.state },
  { header: 'motivo', value: (o) => o.reason },
  { header: 'skus sem de-para', value: (o) => (o.unknownSkus ?? []).join(' ') },
  { header: 'pedido tiny (id)', value: (o) => o.tinyOrderId },
  { header: 'pedido tiny (nº)', value: (o) => o.tinyOrderNumber },
  { header: 'tentativas', value: (o) => o.attempts },
  { header: 'data do pedido (aprovação)', value: (o) => o.approvedAt },
  { header: 'descoberto em', value: (o) => o.discoveredAt },
  { header: 'importado em', value: (o) => o.importedAt },
  { header: 'estoque lançado em', value: (o) => o.stockPostedAt },
];

const TONE: Record<string, string> = { imported: 'ok', needs_mapping: 'late', invalid: 'failing', refused: 'failing', discovered: 'idle', cancelled_before_import: 'off', skipped: 'off' };

function OrderHistory({ connectionId, iderisOrderId }: { connectionId: string; iderisOrderId: number }) {
  const q = useQuery({ queryKey: ['order', connectionId, iderisOrderId], queryFn: () => fetchOrder(connectionId, iderisOrderId) });
  if (q.isPending) return <Loading />;
  if (!q.data) return <ErrorBox error={q.error} />;
  return (
    <ol className="timeline">
      {q.data.history.map((h, n) => (
        <li key={n}>
          <time dateTime={h.at}>{formatDateTime(h.at)}</time> <strong>{h.kind}</strong> <Json value={h.detail} />
        </li>
      ))}
    </ol>
  );
}

function OrderActions({ connectionId, order, onChanged }: { connectionId: string; order: OrderView; onChanged: () => void }) {
  const stock = useMutation({ mutationFn: () => postStock(connectionId, order.iderisOrderId), onSuccess: onChanged });
  const again = useMutation({ mutationFn: () => reprocessOrder(connectionId, order.iderisOrderId), onSuccess: onChanged });
  return (
    <>
      {order.state === 'imported' && !order.stockPostedAt ? (
        <button type="button" className="small" onClick={() => stock.mutate()} disabled={stock.isPending}>
          {stock.isPending ? 'Lançando…' : 'Lançar estoque'}
        </button>
      ) : null}
      {order.state === 'imported' && order.stockPostedAt ? <span className="sub">estoque lançado {ago(order.stockPostedAt)}</span> : null}
      {order.state !== 'imported' && order.state !== 'cancelled_before_import' ? (
        <button type="button" className="small secondary" onClick={() => again.mutate()} disabled={again.isPending}>
          Reprocessar
        </button>
      ) : null}
      <ErrorBox error={stock.error ?? again.error} />
    </>
  );
}

export function OrdersTable({ connectionId, orders, onFix, onChanged }: { connectionId: string; orders: OrderView[]; onFix: (sku: string) => void; onChanged: () => void }) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <table className="grid">
      <thead>
        <tr>
          <th scope="col">Pedido</th>
          <th scope="col">Marketplace</th>
          <th scope="col">Situação</th>
          <th scope="col">Motivo / SKU sem de-para</th>
          <th scope="col">Pedido no Tiny</th>
          <th scope="col">Data do pedido</th>
          <th scope="col">Ações</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <Fragment key={o.iderisOrderId}>
            <tr>
              <td>
                <button type="button" className="link" aria-expanded={open === o.iderisOrderId} onClick={() => setOpen(open === o.iderisOrderId ? null : o.iderisOrderId)}>
                  {o.marketplaceOrderCode ?? o.iderisOrderId}
                </button>
                <div className="sub">Ideris {o.iderisOrderId}</div>
              </td>
              <td>{o.marketplace ?? '—'}</td>
              <td>
                <Badge tone={TONE[o.state] ?? 'idle'}>{ORDER_STATE_LABEL[o.state] ?? o.state}</Badge>
                {o.workStatus === 'gave_up' ? <div className="sub">tentativas esgotadas</div> : null}
                {o.workStatus === 'queued' && o.state !== 'imported' ? (
                  o.waitingForTurnSince ? (
                    <div className="sub" title="A conexão já tem importações em andamento no limite da sua cota de API; este pedido entra na próxima vez livre.">
                      na fila · aguardando a vez da conexão
                    </div>
                  ) : (
                    <div className="sub">na fila</div>
                  )
                ) : null}
              </td>
              <td>
                {(o.unknownSkus ?? []).length > 0 ? (
                  <ul className="skus">
                    {(o.unknownSkus ?? []).map((sku) => (
                      <li key={sku}>
                        <code>{sku}</code>{' '}
                        <button type="button" className="small" onClick={() => onFix(sku)}>
                          Fazer de-para
                        </button>
                      </li>
                    ))}
                  </ul>
                ) : o.reason ? (
                  <span>{reasonText(o.reasonCode ?? null, o.reason)}</span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>{o.tinyOrderNumber ? `nº ${o.tinyOrderNumber}` : (o.tinyOrderId ?? '—')}</td>
              <td className="nowrap">
                {formatDateTime(o.approvedAt ?? o.discoveredAt)}
                <div className="sub" title={formatDateTime(o.discoveredAt)}>
                  visto {ago(o.discoveredAt)}
                </div>
              </td>
              <td className="nowrap">
                <OrderActions connectionId={connectionId} order={o} onChanged={onChanged} />
              </td>
            </tr>
            {open === o.iderisOrderId ? (
              <tr className="expanded">
                <td colSpan={7}>
                  <OrderHistory connectionId={connectionId} iderisOrderId={o.iderisOrderId} />
                </td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function StateCounts({ counts, current, onPick }: { counts: { state: string; n: number }[]; current?: string; onPick: (state?: string) => void }) {
  const byState = new Map<string, number>();
  for (const c of counts) byState.set(c.state, (byState.get(c.state) ?? 0) + c.n);
  return (
    <div className="counters small">
      {[...byState.entries()].map(([state, n]) => (
        <button type="button" key={state} className={`counter counter-${TONE[state] ?? 'idle'}${current === state ? ' selected' : ''}`} onClick={() => onPick(current === state ? undefined : state)}>
          <strong>{n}</strong>
          <span>{ORDER_STATE_LABEL[state] ?? state}</span>
        </button>
      ))}
    </div>
  );
}

/** The marketplace names of the connection's accounts, and the one in the URL if no account has it (any case). */
function marketplaceNames(accounts: { marketplace: string | null }[] | undefined, current: string | undefined): string[] {
  const names = [...new Set((accounts ?? []).map((a) => a.marketplace).filter((m): m is string => Boolean(m)))].sort((a, b) => a.localeCompare(b, 'pt-BR'));
  return current && !names.some((n) => n.toLowerCase() === current.toLowerCase()) ? [...names, current] : names;
}

export function OrdersPage() {
  const search = useSearch({ from: '/pedidos' });
  const navigate = useNavigate({ from: '/pedidos' });
  const qc = useQueryClient();
  const [fixing, setFixing] = useState<string | null>(null);
  const [watching, setWatching] = useState<string | null>(null);
  const [askBulk, setAskBulk] = useState(false);
  const c = search.connectionId;
  const filter: OrdersFilter = { state: search.state, marketplace: search.marketplace, from: search.from, to: search.to };
  const narrowed = Boolean(search.marketplace || search.from || search.to);
  const badRange = Boolean(search.from && search.to && search.to < search.from);
  const list = useQuery({
    queryKey: ['orders', c, filter, search.offset],
    queryFn: () => fetchOrders(c!, filter, ORDERS_LIMIT, search.offset ?? 0),
    enabled: Boolean(c) && !badRange,
    placeholderData: keepPreviousData,
    refetchInterval: watching ? 2_000 : 10_000,
  });
  const accounts = useQuery({ queryKey: ['marketplaces', c], queryFn: () => getMarketplaces(c!), enabled: Boolean(c), staleTime: 60_000 });
  const bulk = useMutation({ mutationFn: () => reprocessParked(c!, { marketplace: search.marketplace, from: search.from, to: search.to }), onSuccess: () => { setAskBulk(false); void list.refetch(); } });
  const set = (patch: Partial<OrdersSearch>) => navigate({ search: (prev) => ({ ...prev, offset: undefined, ...patch }) });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['orders', c] });
  const rows = list.data?.orders ?? [];
  const parked = (list.data?.counts ?? []).filter((x) => ['needs_mapping', 'invalid', 'refused'].includes(x.state) || (x.work_status === 'gave_up' && x.state !== 'imported')).reduce((s, x) => s + x.n, 0);
  return (
    <>
      <div className="page-head">
        <h1>Pedidos</h1>
        <span className="muted">da Ideris para o Tiny</span>
      </div>
      <div className="filters">
        <ConnectionPicker value={c} onChange={(connectionId) => set({ connectionId })} />
        <label className="field inline">
          <span>Situação</span>
          <select value={search.state ?? ''} onChange={(e) => set({ state: e.target.value || undefined })}>
            <option value="">Todas</option>
            {ORDER_STATES.map((s) => (
              <option key={s} value={s}>
                {ORDER_STATE_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Marketplace</span>
          <select value={search.marketplace ?? ''} onChange={(e) => set({ marketplace: e.target.value || undefined })}>
            <option value="">Todos</option>
            {marketplaceNames(accounts.data?.items, search.marketplace).map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>De</span>
          <input type="date" value={search.from ?? ''} max={search.to} onChange={(e) => set({ from: e.target.value || undefined })} />
        </label>
        <label className="field inline">
          <span>Até</span>
          <input type="date" value={search.to ?? ''} min={search.from} onChange={(e) => set({ to: e.target.value || undefined })} />
        </label>
        <span className="spacer" />
        {c ? (
          <CsvButton
            filename="pedidos.csv"
            columns={ordersCsv}
            fetchPage={async (limit, offset) => {
              const page = await fetchOrders(c, filter, limit, offset);
              return { total: page.total, items: page.orders };
            }}
          />
        ) : null}
      </div>
      {search.from || search.to ? <p className="hint">Datas do pedido no marketplace (aprovação do pagamento; sem ela, quando o hub viu o pedido), no horário de Brasília.</p> : null}
      {badRange ? <ErrorBox error={new Error('A data final (Até) é anterior à inicial (De).')} /> : null}
      {!c ? <Empty>Escolha uma conexão para ver os pedidos.</Empty> : null}
      {list.data ? <StateCounts counts={list.data.counts} current={search.state} onPick={(state) => set({ state })} /> : null}
      {c && parked > 0 ? (
        <div className="bulk">
          <button type="button" className="secondary" onClick={() => setAskBulk(true)}>
            Reprocessar todos os parados ({parked})
          </button>
          {askBulk ? (
            <Confirm
              text={`Reenfileirar ${parked} pedido${parked === 1 ? '' : 's'} parado${parked === 1 ? '' : 's'}${narrowed ? ' deste marketplace e período' : ''}?`}
              busy={bulk.isPending}
              onConfirm={() => bulk.mutate()}
              onCancel={() => setAskBulk(false)}
              confirmLabel="Reenfileirar"
            />
          ) : null}
          {bulk.data ? <span className="notice ok">{bulk.data.requeued} reenfileirados</span> : null}
          <ErrorBox error={bulk.error} />
        </div>
      ) : null}
      {c && fixing ? (
        <SkuMappingFix
          connectionId={c}
          sku={fixing}
          onClose={() => setFixing(null)}
          onLinked={(requeued) => {
            setWatching(`De-para de ${fixing} salvo: ${requeued} pedido${requeued === 1 ? '' : 's'} parado${requeued === 1 ? '' : 's'} reenfileirado${requeued === 1 ? '' : 's'}. Acompanhe a importação abaixo.`);
            setFixing(null);
            refresh();
            setTimeout(() => setWatching(null), 60_000);
          }}
        />
      ) : null}
      {watching ? (
        <div className="notice ok" role="status">
          {watching}
        </div>
      ) : null}
      <ErrorBox error={list.error} />
      {c && list.isPending && !badRange ? <Loading /> : null}
      {list.data && rows.length === 0 ? <Empty>Nenhum pedido com esses filtros.</Empty> : null}
      {c && list.data && rows.length > 0 ? (
        <>
          <OrdersTable connectionId={c} orders={rows} onFix={setFixing} onChanged={refresh} />
          <Pager total={list.data.total} limit={ORDERS_LIMIT} offset={search.offset ?? 0} onOffset={(offset) => navigate({ search: (prev) => ({ ...prev, offset }) })} />
        </>
      ) : null}
      {c ? (
        <p className="sub">
          <Link to="/falhas" search={{ connectionId: c, flow: 'orders' }}>
            Falhas de pedidos desta conexão
          </Link>
        </p>
      ) : null}
    </>
  );
}
