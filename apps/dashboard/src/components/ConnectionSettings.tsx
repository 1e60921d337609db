import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { getConnection, getMarketplaces, putMarketplace, updateConnection, type Connection, type ConnectionSettings } from '../api/connections';
import { SWITCHABLE_FLOWS, type PriceRule, type PriceRules, type SwitchableFlow } from '../api/views';
import { FLOW_LABEL } from '../lib/reasons';
import { formatDateTime, verificationText } from '../lib/format';
import { Badge, CopyButton, Empty, ErrorBox, Loading, Section } from './ui';

const WEBHOOK_LABEL: Record<string, string> = {
  estoque: 'Estoque (URL de notificação de estoque)',
  precos: 'Preços (URL de notificação de preços)',
  produto: 'Produtos (URL de envio de produtos)',
  nota_fiscal: 'Nota fiscal (URL de envio da nota fiscal)',
  rastreio: 'Rastreio (URL de envio de rastreio)',
  situacao_pedido: 'Situação do pedido (URL de atualização de situação)',
  inclusao_pedido: 'Inclusão de pedido (webhook da conta)',
  atualizacao_pedido: 'Atualização de pedido (webhook da conta)',
};

export function WebhookUrls({ urls }: { urls: Record<string, string> | null }) {
  if (!urls) return <Empty>As URLs aparecem depois que as credenciais forem gravadas.</Empty>;
  return (
    <>
      <p className="hint">Cole cada URL no campo correspondente da integração no Tiny (Configurações › Integrações › aba Webhooks / Notificações).</p>
      <table className="grid compact">
        <tbody>
          {Object.entries(urls).map(([kind, url]) => (
            <tr key={kind}>
              <th scope="row">{WEBHOOK_LABEL[kind] ?? kind}</th>
              <td>
                <code className="url">{url}</code>
              </td>
              <td className="nowrap">
                <CopyButton text={url} label="Copiar" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function VerificationResult({ verification }: { verification: { at: string; tiny: { ok: boolean; detail: string }; ideris: { ok: boolean; detail: string } } | null | undefined }) {
  if (!verification) return null;
  const row = (name: string, check: { ok: boolean; detail: string }) => (
    <li className={check.ok ? 'check-ok' : 'check-fail'}>
      <Badge tone={check.ok ? 'ok' : 'failing'}>{check.ok ? 'OK' : 'falhou'}</Badge> <strong>{name}</strong>: {verificationText(check.detail)}
    </li>
  );
  return (
    <div className="checks" aria-live="polite">
      <ul>
        {row('Tiny (token e CNPJ)', verification.tiny)}
        {row('Ideris (chave privada)', verification.ideris)}
      </ul>
      <p className="sub">Verificado em {formatDateTime(verification.at)}</p>
    </div>
  );
}

function useSaveSettings(connection: Connection) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (settings: Partial<ConnectionSettings>) => updateConnection(connection.id, { settings }),
    onSuccess: (saved) => {
      qc.setQueryData(['connection', connection.id], saved);
      void qc.invalidateQueries({ queryKey: ['connections'] });
    },
  });
}

/** The connection as last saved (a settings change updates this cache entry). */
export function useConnection(initial: Connection): Connection {
  return useQuery({ queryKey: ['connection', initial.id], queryFn: () => getConnection(initial.id), initialData: initial }).data;
}

export function FlowSwitches({ connection: initial }: { connection: Connection }) {
  const connection = useConnection(initial);
  const save = useSaveSettings(connection);
  const flows = { ...Object.fromEntries(SWITCHABLE_FLOWS.map((f) => [f, true])), ...(connection.settings.flows ?? {}) } as Record<SwitchableFlow, boolean>;
  return (
    <Section title="Fluxos ligados">
      <div className="switches">
        {SWITCHABLE_FLOWS.map((f) => (
          <label key={f} className="switch">
            <input type="checkbox" checked={flows[f]} disabled={save.isPending} onChange={(e) => save.mutate({ flows: { ...flows, [f]: e.target.checked } })} />
            <span>{FLOW_LABEL[f]}</span>
          </label>
        ))}
      </div>
      <ErrorBox error={save.error} />
    </Section>
  );
}

export function StockRules({ connection }: { connection: Connection }) {
  const save = useSaveSettings(connection);
  const [draft, setDraft] = useState({
    stockType: connection.settings.stockType ?? 'available',
    safetyBuffer: connection.settings.safetyBuffer ?? 0,
    kitStock: connection.settings.kitStock ?? 'own',
    autoPostStock: connection.settings.autoPostStock ?? false,
  });
  return (
    <Section title="Regras de estoque">
      <div className="form-grid">
        <label className="field">
          <span>Saldo enviado à Ideris</span>
          <select value={draft.stockType} onChange={(e) => setDraft({ ...draft, stockType: e.target.value as 'available' | 'physical' })}>
            <option value="available">Disponível (físico − reservado)</option>
            <option value="physical">Físico</option>
          </select>
        </label>
        <label className="field">
          <span>Estoque de segurança (unidades retidas)</span>
          <input type="number" min={0} value={draft.safetyBuffer} onChange={(e) => setDraft({ ...draft, safetyBuffer: Number(e.target.value) })} />
        </label>
        <label className="field">
          <span>Estoque de kits</span>
          <select value={draft.kitStock} onChange={(e) => setDraft({ ...draft, kitStock: e.target.value as 'own' | 'components' })}>
            <option value="own">Saldo do próprio kit no Tiny</option>
            <option value="components">Calculado pelos componentes</option>
          </select>
        </label>
        <label className="switch">
          <input type="checkbox" checked={draft.autoPostStock} onChange={(e) => setDraft({ ...draft, autoPostStock: e.target.checked })} />
          <span>Lançar estoque automaticamente ao importar o pedido</span>
        </label>
      </div>
      <button type="button" onClick={() => save.mutate(draft)} disabled={save.isPending}>
        {save.isPending ? 'Salvando…' : 'Salvar regras de estoque'}
      </button>
      {save.isSuccess ? <span className="ok-text"> Salvo.</span> : null}
      <ErrorBox error={save.error} />
    </Section>
  );
}

export function PriceRulesEditor({ connectionId }: { connectionId: string }) {
  const qc = useQueryClient();
  const rules = useQuery({ queryKey: ['price-rules', connectionId], queryFn: () => api<PriceRules>('GET', `/connections/${connectionId}/price-rules`) });
  const [draft, setDraft] = useState<{ maxDropPercent: number; rules: PriceRule[] } | null>(null);
  const current = draft ?? (rules.data ? { maxDropPercent: rules.data.maxDropPercent, rules: rules.data.rules } : null);
  const save = useMutation({
    mutationFn: (body: { maxDropPercent: number; rules: PriceRule[] }) => api<PriceRules>('PUT', `/connections/${connectionId}/price-rules`, { body }),
    onSuccess: (saved) => {
      qc.setQueryData(['price-rules', connectionId], saved);
      setDraft(null);
    },
  });
  if (rules.isPending) return <Loading />;
  if (!current) return <ErrorBox error={rules.error} />;
  const setRule = (i: number, patch: Partial<PriceRule>) => setDraft({ ...current, rules: current.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <Section title="Regras de preço">
      <label className="field inline">
        <span>Segurar quedas de preço acima de (%)</span>
        <input type="number" min={0} max={100} value={current.maxDropPercent} onChange={(e) => setDraft({ ...current, maxDropPercent: Number(e.target.value) })} />
      </label>
      <table className="grid compact">
        <thead>
          <tr>
            <th scope="col">Marketplace</th>
            <th scope="col">Acréscimo (%)</th>
            <th scope="col">Acréscimo fixo (centavos)</th>
            <th scope="col">Arredondamento</th>
            <th scope="col">Usar preço promocional</th>
            <th scope="col" aria-label="Ações" />
          </tr>
        </thead>
        <tbody>
          {current.rules.map((r, i) => (
            <tr key={i}>
              <td>
                <input aria-label="Marketplace (default ou id da conta na Ideris)" value={r.marketplace} onChange={(e) => setRule(i, { marketplace: e.target.value })} />
              </td>
              <td>
                <input aria-label="Acréscimo percentual" type="number" step="0.01" value={r.markupPercent} onChange={(e) => setRule(i, { markupPercent: Number(e.target.value) })} />
              </td>
              <td>
                <input aria-label="Acréscimo fixo em centavos" type="number" value={r.fixedAdditionCents} onChange={(e) => setRule(i, { fixedAdditionCents: Number(e.target.value) })} />
              </td>
              <td>
                <select aria-label="Arredondamento" value={r.rounding} onChange={(e) => setRule(i, { rounding: e.target.value })}>
                  <option value="none">nenhum</option>
                  <option value="90">terminar em ,90</option>
                  <option value="99">terminar em ,99</option>
                  <option value="integer">inteiro</option>
                </select>
              </td>
              <td>
                <input aria-label="Usar preço promocional" type="checkbox" checked={r.usePromotional} onChange={(e) => setRule(i, { usePromotional: e.target.checked })} />
              </td>
              <td>
                <button type="button" className="link" onClick={() => setDraft({ ...current, rules: current.rules.filter((_, j) => j !== i) })}>
                  remover
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => setDraft({ ...current, rules: [...current.rules, { marketplace: 'default', markupPercent: 0, fixedAdditionCents: 0, rounding: 'none', usePromotional: false }] })}>
          + Regra
        </button>
        <button type="button" disabled={!draft || save.isPending} onClick={() => save.mutate(current)}>
          Salvar regras de preço
        </button>
      </div>
      <ErrorBox error={save.error} />
    </Section>
  );
}

export function MarketplacesEditor({ connectionId }: { connectionId: string }) {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['marketplaces', connectionId], queryFn: () => getMarketplaces(connectionId) });
  const toggle = useMutation({
    mutationFn: (v: { accountId: string | number; enabled: boolean; tinyIntegrationId: number | null }) => putMarketplace(connectionId, v.accountId, { enabled: v.enabled, tinyIntegrationId: v.tinyIntegrationId }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['marketplaces', connectionId] }),
  });
  return (
    <Section title="Marketplaces importados">
      {list.isPending ? <Loading /> : null}
      {list.error ? <p className="muted">Contas de marketplace ainda não disponíveis nesta versão do gateway ({String((list.error as Error).message)}).</p> : null}
      {list.data ? (
        <>
          <p className="hint">
            Contas novas da Ideris: <strong>{list.data.newAccounts === 'import' ? 'importar automaticamente' : 'não importar até serem escolhidas'}</strong>. Pedidos de contas não selecionadas aparecem como “marketplace não selecionado”.
          </p>
          {list.data.items.length === 0 ? <Empty>Nenhuma conta de marketplace vista ainda (aparecem no primeiro pedido).</Empty> : null}
          <table className="grid compact">
            <tbody>
              {list.data.items.map((m) => (
                <tr key={String(m.accountId)}>
                  <td>
                    <label className="switch">
                      <input type="checkbox" checked={m.state === 'enabled'} onChange={(e) => toggle.mutate({ accountId: m.accountId, enabled: e.target.checked, tinyIntegrationId: m.tinyIntegrationId })} />
                      <span>
                        {[m.marketplace, m.name].filter(Boolean).join(' — ') || `conta ${m.accountId}`}
                      </span>
                    </label>
                  </td>
                  <td>
                    {m.state === 'not_chosen' && list.data.newAccounts === 'import' ? (
                      <Badge tone="ok">importando (contas novas)</Badge>
                    ) : (
                      <Badge tone={m.state === 'enabled' ? 'ok' : m.state === 'disabled' ? 'off' : 'late'}>{m.state === 'enabled' ? 'importando' : m.state === 'disabled' ? 'desligada' : 'não escolhida: não importa'}</Badge>
                    )}
                  </td>
                  <td className="sub">vista em {formatDateTime(m.firstSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <ErrorBox error={toggle.error} />
    </Section>
  );
}
