import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { putListingMapping, searchTinyProducts } from '../api/orders';
import type { TinyProduct } from '../api/views';
import { Empty, ErrorBox } from './ui';

/**
 * The de-para fix: the marketplace SKU nobody knows, a search of the seller's Tiny products by code or
 * GTIN, and "Vincular", which saves the mapping; the orders parked for that SKU are queued again.
 */
export function SkuMappingFix({ connectionId, sku, onLinked, onClose }: { connectionId: string; sku: string; onLinked: (requeued: number) => void; onClose: () => void }) {
  const [q, setQ] = useState(sku);
  const search = useMutation({ mutationFn: (text: string) => searchTinyProducts(connectionId, text) });
  const link = useMutation({
    mutationFn: (p: TinyProduct & { code: string }) => putListingMapping(connectionId, sku, p.code),
    onSuccess: (r) => onLinked(r.requeued),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) search.mutate(q.trim());
  };
  return (
    <div className="mapping-fix" role="dialog" aria-label={`De-para do SKU ${sku}`}>
      <header>
        <h3>
          De-para do anúncio <code>{sku}</code>
        </h3>
        <button type="button" className="link" onClick={onClose} aria-label="Fechar">
          ×
        </button>
      </header>
      <p className="hint">O anúncio acima veio do marketplace sem SKU, e o hub não sabe qual produto do Tiny ele é. Busque o produto do Tiny pelo código (SKU) ou GTIN/EAN e vincule: os pedidos parados por ele são importados em seguida.</p>
      <form onSubmit={submit} className="filters">
        <label className="field inline">
          <span>Código ou GTIN no Tiny</span>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button type="submit" disabled={search.isPending}>
          {search.isPending ? 'Buscando…' : 'Buscar no Tiny'}
        </button>
      </form>
      <ErrorBox error={search.error} />
      {search.data && search.data.items.length === 0 ? <Empty>Nenhum produto do Tiny com esse código ou GTIN.</Empty> : null}
      {search.data && search.data.items.length > 0 ? (
        <table className="grid compact">
          <thead>
            <tr>
              <th scope="col">Código</th>
              <th scope="col">Produto</th>
              <th scope="col">GTIN</th>
              <th scope="col">Situação</th>
              <th scope="col" aria-label="Ações" />
            </tr>
          </thead>
          <tbody>
            {search.data.items.map((p) => (
              <tr key={p.id}>
                <td>
                  <code>{p.code}</code>
                </td>
                <td>{p.name}</td>
                <td>{p.gtin ?? '—'}</td>
                <td>{p.situation === 'A' ? 'ativo' : p.situation === 'I' ? 'inativo' : p.situation}</td>
                <td>
                  {p.code ? (
                    <button type="button" onClick={() => link.mutate({ ...p, code: p.code! })} disabled={link.isPending}>
                      Vincular {sku} → {p.code}
                    </button>
                  ) : (
                    <span className="sub">sem código no Tiny</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ErrorBox error={link.error} />
    </div>
  );
}
