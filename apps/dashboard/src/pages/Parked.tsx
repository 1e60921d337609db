import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { api } from '../api/client';
import { SERVICES, type ParkedMessage } from '../api/views';
import { CsvButton, Empty, ErrorBox, Loading } from '../components/ui';
import type { CsvColumn } from '../lib/csv';
import { ago, formatDateTime } from '../lib/format';

export const parkedCsv: CsvColumn<ParkedMessage>[] = [
  { header: 'id', value: (m) => m.id },
  { header: 'consumidor', value: (m) => m.consumer },
  { header: 'assunto', value: (m) => m.subject },
  { header: 'conexão', value: (m) => m.connectionId },
  { header: 'tipo de erro', value: (m) => m.errorKind },
  { header: 'erro', value: (m) => m.error },
  { header: 'tentativas', value: (m) => m.attempts },
  { header: 'parada em', value: (m) => m.parkedAt },
  { header: 'reenviada em', value: (m) => m.redrivenAt },
];

const ERROR_KIND: Record<string, string> = { transient: 'temporário', business: 'regra de negócio', auth: 'credencial', not_found: 'não encontrado' };

export function ParkedPage() {
  const { service = 'orders' } = useSearch({ from: '/mensagens' });
  const navigate = useNavigate({ from: '/mensagens' });
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['parked', service], queryFn: () => api<ParkedMessage[]>('GET', `/services/${service}/parked-messages`), refetchInterval: 15_000 });
  const redrive = useMutation({
    mutationFn: (id: string) => api<{ redriven: boolean }>('POST', `/services/${service}/parked-messages/${id}/redrive`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['parked', service] }),
  });
  return (
    <>
      <div className="page-head">
        <h1>Mensagens paradas</h1>
        <span className="muted">mensagens que esgotaram as tentativas e esperam um reenvio</span>
      </div>
      <div className="filters">
        <div className="tabs" role="tablist" aria-label="Serviço">
          {SERVICES.map((s) => (
            <button key={s} type="button" role="tab" aria-selected={s === service} className={s === service ? 'tab active' : 'tab'} onClick={() => navigate({ search: { service: s } })}>
              {s}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <CsvButton filename={`mensagens-paradas-${service}.csv`} columns={parkedCsv} fetchPage={async () => { const items = await api<ParkedMessage[]>('GET', `/services/${service}/parked-messages`); return { total: items.length, items }; }} />
      </div>
      {redrive.data ? <div className="notice ok">Mensagem reenviada ao consumidor (tratada uma vez só, graças ao inbox).</div> : null}
      <ErrorBox error={redrive.error ?? list.error} />
      {list.isPending ? <Loading /> : null}
      {list.data && list.data.length === 0 ? <Empty>Nenhuma mensagem parada em {service}.</Empty> : null}
      {list.data && list.data.length > 0 ? (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Consumidor / assunto</th>
              <th scope="col">Erro</th>
              <th scope="col" className="num">
                Tentativas
              </th>
              <th scope="col">Parada</th>
              <th scope="col">Ação</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((m) => (
              <tr key={m.id}>
                <td>
                  {m.consumer}
                  <div className="sub">{m.subject}</div>
                </td>
                <td>
                  <strong>{ERROR_KIND[m.errorKind] ?? m.errorKind}</strong>: {m.error}
                </td>
                <td className="num">{m.attempts}</td>
                <td title={formatDateTime(m.parkedAt)}>{ago(m.parkedAt)}</td>
                <td>
                  {m.redrivenAt ? (
                    <span className="sub">reenviada {ago(m.redrivenAt)}</span>
                  ) : (
                    <button type="button" className="small" onClick={() => redrive.mutate(m.id)} disabled={redrive.isPending}>
                      Reenviar
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
