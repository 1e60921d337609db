import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearch } from '@tanstack/react-router';
import { fetchFailureItem, retryRefs } from '../api/failures';
import type { ItemRefs } from '../api/views';
import { Badge, ErrorBox, Json, Loading, Section } from '../components/ui';
import { formatDateTime } from '../lib/format';
import { FLOW_LABEL, reasonText, STATUS_LABEL } from '../lib/reasons';
import { retryResultText } from '../lib/retry';

function RefLinks({ refs, connectionId }: { refs: ItemRefs; connectionId: string | null }) {
  const rows: [string, string | number | undefined][] = [
    ['Pedido na Ideris', refs.iderisOrderId],
    ['Nº do pedido no marketplace', refs.marketplaceOrderCode],
    ['Pedido no Tiny (id)', refs.tinyOrderId],
    ['Pedido no Tiny (nº)', refs.tinyOrderNumber],
    ['Chave da NF-e', refs.nfeKey],
    ['SKU', refs.sku],
    ['Mensagem', refs.messageId],
  ];
  return (
    <dl className="refs">
      {rows
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([label, v]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              <Link to="/busca" search={{ q: String(v) }}>
                {String(v)}
              </Link>
            </dd>
          </div>
        ))}
      {refs.iderisOrderId && connectionId ? (
        <div>
          <dt>Pedidos desta conexão</dt>
          <dd>
            <Link to="/pedidos" search={{ connectionId }}>
              abrir lista de pedidos
            </Link>
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

export function FailureItemPage() {
  const { ref } = useSearch({ from: '/falhas/item' });
  const qc = useQueryClient();
  const item = useQuery({ queryKey: ['failure-item', ref], queryFn: () => fetchFailureItem(ref!), enabled: Boolean(ref), refetchInterval: 10_000 });
  const retry = useMutation({
    mutationFn: () => retryRefs([ref!]),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['failure-item', ref] });
      void qc.invalidateQueries({ queryKey: ['failures'] });
    },
  });
  if (!ref) return <ErrorBox error={new Error('Falta o parâmetro ref.')} />;
  if (item.isPending) return <Loading />;
  if (!item.data) return <ErrorBox error={item.error} />;
  const i = item.data;
  return (
    <>
      <div className="page-head">
        <h1>
          {FLOW_LABEL[i.flow] ?? i.flow}: {i.key}
        </h1>
        <Badge tone={i.status === 'gave_up' ? 'failing' : i.status === 'succeeded' ? 'ok' : 'late'}>{STATUS_LABEL[i.status] ?? i.status}</Badge>
        <span className="spacer" />
        <Link to="/falhas" search={{ connectionId: i.connectionId ?? undefined, flow: i.flow }}>
          ‹ Falhas desta conexão
        </Link>
        <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending || i.status === 'running'}>
          Reenviar este item
        </button>
      </div>
      {retry.data ? (
        <div className="notice ok" role="status">
          {retryResultText(retry.data)}
        </div>
      ) : null}
      <ErrorBox error={retry.error} />
      <div className="two-col">
        <Section title="Resumo">
          <dl className="refs">
            <div>
              <dt>Conexão</dt>
              <dd>
                {i.connectionId ? (
                  <Link to="/conexoes/$id" params={{ id: i.connectionId }}>
                    {i.connectionName ?? i.connectionId}
                  </Link>
                ) : (
                  '—'
                )}
              </dd>
            </div>
            <div>
              <dt>Motivo</dt>
              <dd>{reasonText(i.reasonCode, i.reasonDetail)}</dd>
            </div>
            {i.reasonDetail ? (
              <div>
                <dt>Detalhe</dt>
                <dd>{i.reasonDetail}</dd>
              </div>
            ) : null}
            <div>
              <dt>Resultado</dt>
              <dd>{i.outcome}</dd>
            </div>
            <div>
              <dt>Tentativas</dt>
              <dd>{i.attempts}</dd>
            </div>
            <div>
              <dt>Criado / atualizado</dt>
              <dd>
                {formatDateTime(i.createdAt)} / {formatDateTime(i.updatedAt)}
              </dd>
            </div>
            {i.nextCheckAt ? (
              <div>
                <dt>Próxima verificação</dt>
                <dd>{formatDateTime(i.nextCheckAt)}</dd>
              </div>
            ) : null}
          </dl>
        </Section>
        <Section title="Identificadores">
          <RefLinks refs={i.refs} connectionId={i.connectionId} />
        </Section>
      </div>
      <Section title="Linha do tempo das tentativas">
        {i.timeline.length === 0 ? <p className="muted">Sem registros.</p> : null}
        <ol className="timeline">
          {i.timeline.map((t, n) => (
            <li key={n}>
              <time dateTime={t.at}>{formatDateTime(t.at)}</time> <strong>{t.kind}</strong>
              {t.detail !== undefined && t.detail !== null ? <Json value={t.detail} /> : null}
              {t.answer !== undefined ? (
                <details>
                  <summary>Resposta</summary>
                  <Json value={t.answer} />
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      </Section>
      <div className="two-col">
        <Section title="O que enviamos">
          <Json value={i.request} />
        </Section>
        <Section title="Resposta do Tiny / da Ideris (segredos ocultos)">
          <Json value={i.answer} />
        </Section>
      </div>
    </>
  );
}
