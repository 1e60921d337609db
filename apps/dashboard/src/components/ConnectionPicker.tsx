import { useConnections } from '../api/connections';

/** The connection a per-connection page shows; the choice lives in the URL (`?connectionId=`). */
export function ConnectionPicker({ value, onChange, allowAll = false }: { value?: string; onChange: (id: string | undefined) => void; allowAll?: boolean }) {
  const { data } = useConnections();
  return (
    <label className="field inline">
      <span>Conexão</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{allowAll ? 'Todas' : 'Escolha uma conexão…'}</option>
        {(data ?? []).map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}
