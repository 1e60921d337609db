import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { RetryResult } from '../api/views';
import { retryConfirmText, retryResultText } from '../lib/retry';
import { Confirm, ErrorBox } from './ui';

/**
 * "Reenviar selecionados" and "Reenviar todos do filtro": each asks first with the count it will touch,
 * then says how many were queued and how many skipped, and why.
 */
export function BulkRetry({ selected, total, onSelection, onFilter, onDone, filterDisabledReason }: { selected: string[]; total: number; filterDisabledReason?: string; onSelection: (refs: string[]) => Promise<RetryResult>; onFilter: () => Promise<RetryResult>; onDone: () => void }) {
  const [asking, setAsking] = useState<'selection' | 'filter' | null>(null);
  const run = useMutation({
    mutationFn: (scope: 'selection' | 'filter') => (scope === 'selection' ? onSelection(selected) : onFilter()),
    onSuccess: () => {
      setAsking(null);
      onDone();
    },
  });
  return (
    <div className="bulk">
      <button type="button" disabled={selected.length === 0 || run.isPending} onClick={() => setAsking('selection')}>
        Reenviar selecionados ({selected.length})
      </button>
      <button type="button" className="secondary" disabled={total === 0 || run.isPending || Boolean(filterDisabledReason)} title={filterDisabledReason} onClick={() => setAsking('filter')}>
        Reenviar todos do filtro ({total.toLocaleString('pt-BR')})
      </button>
      {asking ? (
        <Confirm
          text={retryConfirmText(asking === 'selection' ? selected.length : total, asking)}
          confirmLabel="Reenfileirar"
          busy={run.isPending}
          onConfirm={() => run.mutate(asking)}
          onCancel={() => setAsking(null)}
        />
      ) : null}
      {run.data && !asking ? (
        <div className="notice ok" role="status">
          {retryResultText(run.data)}
        </div>
      ) : null}
      <ErrorBox error={run.error} />
    </div>
  );
}
