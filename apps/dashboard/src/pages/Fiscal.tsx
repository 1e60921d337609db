import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { fetchFailures } from '../api/failures';
import type { WorkItemView } from '../api/views';
import { ConnectionPicker } from '../components/ConnectionPicker';
import { Badge, CsvButton, Empty, ErrorBox, Json, Loading, Pager, Section } from '../components/ui';
import { ago, formatDateTime } from '../lib/format';
import { FLOW_LABEL, reasonText, STATUS_LABEL } from '../lib/reasons';
import { failuresCsv, refsText } from './Failures';

interface FiscalOrder {
  iderisOrderId: number;
  tinyOrderId: string;
  marketplaceOrderCode: string | null;
  invoices: { tinyInvoiceId: string; state: string; reason: string | null; number: string | null; series: string | null; accessKey: string | null; sentAt: string | null; iderisAnswer: unknown }[];
  tracking: { state: string; reasonCode: string | null; reason: string | null; trackingCode: string | null; carrier: string | null; shippingMethod: string | null; nextCheckAt: string | null; sentAt: string | null; iderisAnswer: unknown } | null;
}

const INVOICE_STATE: Record<string, string> = { received: 'recebida', waiting_binding: 'aguardando o pedido', waiting_authorisation: 'aguardando autorização', sending: 'enviando', sent: 'enviada', refused: 'recusada', failed: 'falhou', ignored: 'ignorada' };
const TRACKING_STATE: Record<string, string> = { received: 'recebido', waiting_binding: 'aguardando o pedido', waiting: 'aguardando', sending: 'enviando', sent: 'enviado', failed: 'falhou' };
const LIMIT = 50;

function OrderFiscal({ c, iderisOrderId }: { c: string; iderisOrderId: number }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['fiscal', c, iderisOrderId], queryFn: () => api<FiscalOrder>('GET', `/connections/${c}/fiscal/orders/${iderisOrderId}`) });
  const act = useMutation({
    mutationFn: (what: 'resend-invoice' | 'send-tracking') => api<{ sentNow: boolean; alreadySent: boolean }>('POST', `/connections/${c}/fiscal/orders/${iderisOrderId}/${what}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['fiscal', c, iderisOrderId] }),
  });
  if (q.isPending) return <Loading />;
  if (!q.data) return <ErrorBox error={q.error} />;
  const o = q.data;
  return (
    <Section
      title={`Pedido ${o.marketplaceOrderCode ?? o.iderisOrderId} (Tiny ${o.tinyOrderId})`}
      actions={
        <>
          <button type="button" onClick={() => act.mutate('resend-invoice')} disabled={act.isPending || o.invoices.length === 0} title={o.invoices.length === 0 ? 'Nenhuma nota fiscal recebida do Tiny ainda' : undefined}>
            Reenviar nota fiscal
          </button>
          <button type="button" onClick={() => act.mutate('send-tracking')} disabled={act.isPending}>
            Enviar rastreio agora
          </button>
        </>
      }
    >
      {act.data ? <div className="notice ok">{act.data.sentNow ? 'Enviado agora.' : act.data.alreadySent ? 'A Ideris já tinha recebido: nada reenviado.' : 'Ainda não foi possível enviar (veja o motivo).'}</div> : null}
      <ErrorBox error={act.error} />
      <h3>Notas fiscais</h3>
      {o.invoices.length === 0 ? <Empty>Nenhuma nota fiscal recebida do Tiny para este pedido.</Empty> : null}
      <table className="grid compact">
        <tbody>
          {o.invoices.map((i) => (
            <tr key={i.tinyInvoiceId}>
              <td>
                NF {i.number ?? '—'}/{i.series ?? '—'}
              </td>
              <td>
                <Badge tone={i.state === 'sent' ? 'ok' : i.state === 'refused' || i.state === 'failed' ? 'failing' : 'late'}>{INVOICE_STATE[i.state] ?? i.state}</Badge>
              </td>
              <td>{i.reason ?? ''}</td>
              <td className="sub">{i.accessKey ?? ''}</td>
              <td>{i.sentAt ? `enviada ${ago(i.sentAt)}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Rastreio</h3>
      {!o.tracking ? <Empty>Sem rastreio ainda.</Empty> : null}
      {o.tracking ? (
        <dl className="refs">
          <div>
            <dt>Situação</dt>
            <dd>
              <Badge tone={o.tracking.state === 'sent' ? 'ok' : o.tracking.state === 'failed' ? 'failing' : 'late'}>{TRACKING_STATE[o.tracking.state] ?? o.tracking.state}</Badge>
            </dd>
          </div>
          <div>
            <dt>Motivo</dt>
            <dd>{reasonText(o.tracking.reasonCode, o.tracking.reason)}</dd>
          </div>
          <div>
            <dt>Código / transportadora</dt>
            <dd>
              {o.tracking.trackingCode ?? '—'} / {o.tracking.carrier ?? o.tracking.shippingMethod ?? '—'}
            </dd>
          </div>
          <div>
            <dt>Próxima verificação</dt>
            <dd>{formatDateTime(o.tracking.nextCheckAt)}</dd>
          </div>
          <div>
            <dt>Resposta da Ideris</dt>
            <dd>
              <Json value={o.tracking.iderisAnswer} />
            </dd>
          </div>
        </dl>
      ) : null}
    </Section>
  );
}

function Waiting({ c, flow }: { c: string; flow: 'invoices' | 'tracking' }) {
  const [offset, setOffset] = useState(0);
  const search = { connectionId: c, flow, offset };
  const list = useQuery({ queryKey: ['failures', search], queryFn: () => fetchFailures(search, LIMIT, offset), placeholderData: keepPreviousData, refetchInterval: 15_000 });
  return (
    <Section title={`${FLOW_LABEL[flow]} aguardando ou com falha`} actions={<CsvButton filename={`${flow}-aguardando.csv`} columns={failuresCsv} fetchPage={(limit, o) => fetchFailures(search, limit, o)} />}>
      {list.isPending ? <Loading /> : null}
      <ErrorBox error={list.error} />
      {list.data && list.data.items.length === 0 ? <Empty>Nada aguardando.</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <>
          <table className="grid compact">
            <tbody>
              {list.data.items.map((i: WorkItemView) => (
                <tr key={i.ref}>
                  <td>
                    <Link to="/falhas/item" search={{ ref: i.ref }}>
                      {i.key}
                    </Link>
                    <div className="sub">{refsText(i.refs)}</div>
                  </td>
                  <td>{reasonText(i.reasonCode, i.reasonDetail)}</td>
                  <td>
                    <Badge tone={i.status === 'gave_up' ? 'failing' : 'late'}>{STATUS_LABEL[i.status] ?? i.status}</Badge>
                  </td>
                  <td>{ago(i.updatedAt)}</td>
                  <td>
                    {i.refs.iderisOrderId ? (
                      <Link to="/notas" search={{ connectionId: c, order: Number(i.refs.iderisOrderId) }}>
                        ver pedido
                      </Link>
                    ) : null}
                  </td>
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

export function FiscalPage() {
  const search = useSearch({ from: '/notas' });
  const navigate = useNavigate({ from: '/notas' });
  const [text, setText] = useState(search.order ? String(search.order) : '');
  const c = search.connectionId;
  const lookup = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(text.trim());
    void navigate({ search: (prev) => ({ ...prev, order: Number.isInteger(n) && n > 0 ? n : undefined }) });
  };
  return (
    <>
      <div className="page-head">
        <h1>Notas fiscais e rastreio</h1>
        <ConnectionPicker value={c} onChange={(id) => navigate({ search: { connectionId: id } })} />
      </div>
      {!c ? <Empty>Escolha uma conexão.</Empty> : null}
      {c ? (
        <>
          <form className="filters" onSubmit={lookup}>
            <label className="field inline">
              <span>Pedido na Ideris</span>
              <input inputMode="numeric" value={text} onChange={(e) => setText(e.target.value)} />
            </label>
            <button type="submit">Abrir</button>
          </form>
          {search.order ? <OrderFiscal c={c} iderisOrderId={search.order} /> : null}
          <Waiting c={c} flow="invoices" />
          <Waiting c={c} flow="tracking" />
        </>
      ) : null}
    </>
  );
}
