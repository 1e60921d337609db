import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ApiError, auth, client } from '../api/client';
import { ErrorBox } from '../components/ui';

/** The admin API key (ADMIN_API_KEYS) is kept in sessionStorage: closing the tab signs out. */
export function SignInPage() {
  const navigate = useNavigate();
  const { next } = useSearch({ from: '/entrar' });
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    auth.set(key);
    const { response } = await client.GET('/api/v1/connections').catch(() => ({ response: null }));
    setBusy(false);
    if (response?.ok) {
      if (next && next.startsWith('/') && !next.startsWith('/entrar')) window.location.assign(next);
      else void navigate({ to: '/' });
      return;
    }
    auth.clear();
    setError(response?.status === 401 ? new Error('Chave recusada pelo gateway.') : new ApiError(response?.status ?? 0, 'Gateway fora do ar?', null));
  };
  return (
    <form className="signin" onSubmit={submit}>
      <h1>Hub Tiny ⇄ Ideris</h1>
      <p className="muted">Cole a chave de administração (variável ADMIN_API_KEYS do gateway; no `npm start` ela aparece no terminal).</p>
      <label className="field">
        <span>Chave de API</span>
        <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required minLength={16} autoFocus />
      </label>
      <button type="submit" disabled={busy || key.trim().length < 16}>
        {busy ? 'Verificando…' : 'Entrar'}
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
