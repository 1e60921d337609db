import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { downloadCsv, fetchAllPages, toCsv, type CsvColumn } from '../lib/csv';

export function Badge({ tone, children, title }: { tone: string; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? `${error.message} (HTTP ${error.status})` : error instanceof Error ? error.message : String(error);
  return (
    <div className="error" role="alert">
      {text}
    </div>
  );
}

export function Loading({ what = 'Carregando…' }: { what?: string }) {
  return <p className="muted">{what}</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Pager({ total, limit, offset, onOffset }: { total: number; limit: number; offset: number; onOffset: (offset: number) => void }) {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(total, offset + limit);
  return (
    <nav className="pager" aria-label="Paginação">
      <span>
        {from}–{to} de {total.toLocaleString('pt-BR')}
      </span>
      <button type="button" className="secondary" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        ‹ Anterior
      </button>
      <button type="button" className="secondary" disabled={offset + limit >= total} onClick={() => onOffset(offset + limit)}>
        Próxima ›
      </button>
    </nav>
  );
}

/** Exports the whole server-side list of the current filter, not only the page on screen. */
export function CsvButton<T>({ filename, columns, fetchPage, maxRows }: { filename: string; columns: CsvColumn<T>[]; fetchPage: (limit: number, offset: number) => Promise<{ total: number; items: T[] }>; maxRows?: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      downloadCsv(filename, toCsv(columns, await fetchAllPages(fetchPage, maxRows)));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="secondary" onClick={run} disabled={busy}>
        {busy ? 'Exportando…' : 'Exportar CSV'}
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </>
  );
}

export function CopyButton({ text, label = 'Copiar' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = document.createElement('textarea');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return (
    <button type="button" className="secondary small" onClick={copy} aria-label={`${label}: ${text}`}>
      {done ? 'Copiado ✓' : label}
    </button>
  );
}

/** A confirmation that states what will happen before a bulk or destructive action. */
export function Confirm({ text, onConfirm, onCancel, busy, confirmLabel = 'Confirmar' }: { text: string; onConfirm: () => void; onCancel: () => void; busy?: boolean; confirmLabel?: string }) {
  return (
    <div className="confirm" role="alertdialog" aria-label="Confirmação">
      <span>{text}</span>
      <button type="button" onClick={onConfirm} disabled={busy}>
        {busy ? 'Aguarde…' : confirmLabel}
      </button>
      <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
        Cancelar
      </button>
    </div>
  );
}

export function Section({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="panel">
      <header className="panel-head">
        <h2>{title}</h2>
        {actions ? <div className="actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function Json({ value }: { value: unknown }) {
  if (value === undefined || value === null) return <span className="muted">—</span>;
  return <pre className="json">{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>;
}
