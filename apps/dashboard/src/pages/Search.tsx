import { useQuery } from '@tanstack/react-query';
import { Link, useSearch } from '@tanstack/react-router';
import { api } from '../api/client';
import type { SearchHit } from '../api/views';
import { Empty, ErrorBox, Loading } from '../components/ui';
import { refsText } from './Failures';

const KIND: Record<SearchHit['kind'], string> = { connection: 'Conexão', order: 'Pedido', invoice: 'Nota fiscal', tracking: 'Rastreio', sku: 'SKU', product: 'Produto' };

function HitLink({ hit }: { hit: SearchHit }) {
  const order = hit.refs.iderisOrderId ? Number(hit.refs.iderisOrderId) : undefined;
  if (hit.refs.ref && hit.kind !== 'connection') {
    return (
      <Link to="/falhas/item" search={{ ref: hit.refs.ref }}>
        {hit.label}
      </Link>
    );
  }
  switch (hit.kind) {
    case 'connection':
      return (
        <Link to="/conexoes/$id" params={{ id: hit.connectionId ?? '' }}>
          {hit.label}
        </Link>
      );
    case 'invoice':
    case 'tracking':
      return (
        <Link to="/notas" search={{ connectionId: hit.connectionId ?? undefined, order }}>
          {hit.label}
        </Link>
      );
    case 'sku':
    case 'product':
      return (
        <Link to="/falhas" search={{ connectionId: hit.connectionId ?? undefined, q: hit.refs.sku ?? hit.label }}>
          {hit.label}
        </Link>
      );
    default:
      return (
        <Link to="/pedidos" search={{ connectionId: hit.connectionId ?? undefined }}>
          {hit.label}
        </Link>
      );
  }
}

export function SearchPage() {
  const { q } = useSearch({ from: '/busca' });
  const result = useQuery({ queryKey: ['search', q], queryFn: () => api<{ hits: SearchHit[] }>('GET', '/search', { query: { q } }), enabled: Boolean(q) });
  return (
    <>
      <div className="page-head">
        <h1>Busca</h1>
        {q ? <span className="muted">“{q}”</span> : null}
      </div>
      {!q ? <Empty>Digite um id no campo de busca acima: pedido da Ideris, nº do pedido no marketplace, pedido do Tiny, chave da NF-e, SKU, nome ou CNPJ da conexão.</Empty> : null}
      {result.isFetching ? <Loading what="Buscando…" /> : null}
      <ErrorBox error={result.error} />
      {result.data && result.data.hits.length === 0 ? <Empty>Nada encontrado para “{q}”.</Empty> : null}
      {result.data && result.data.hits.length > 0 ? (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Tipo</th>
              <th scope="col">Encontrado</th>
              <th scope="col">Conexão</th>
              <th scope="col">Identificadores</th>
            </tr>
          </thead>
          <tbody>
            {result.data.hits.map((h, i) => (
              <tr key={i}>
                <td>{KIND[h.kind] ?? h.kind}</td>
                <td>
                  <HitLink hit={h} />
                </td>
                <td>{h.connectionName ?? '—'}</td>
                <td className="sub">{refsText(h.refs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
