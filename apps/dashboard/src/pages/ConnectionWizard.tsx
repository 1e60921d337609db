import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { activateConnection, createConnection, type Connection, type CreateConnection } from '../api/connections';
import { FlowSwitches, MarketplacesEditor, PriceRulesEditor, StockRules, VerificationResult, WebhookUrls } from '../components/ConnectionSettings';
import { ErrorBox, Section } from '../components/ui';

type Verification = Connection['lastVerification'];

interface Draft {
  name: string;
  tinyToken: string;
  cnpj: string;
  tinyIntegrationId: string;
  iderisPrivateKey: string;
  iderisInvoiceUrl: string;
  iderisTrackingUrl: string;
  tinyBaseUrl: string;
  iderisBaseUrl: string;
  newMarketplaceAccounts: 'skip' | 'import';
}

const EMPTY: Draft = { name: '', tinyToken: '', cnpj: '', tinyIntegrationId: '', iderisPrivateKey: '', iderisInvoiceUrl: '', iderisTrackingUrl: '', tinyBaseUrl: '', iderisBaseUrl: '', newMarketplaceAccounts: 'skip' };

/** The request body of the first step: blank optional fields and defaults are left out, so the gateway's defaults apply. */
export function toCreateBody(d: Draft): CreateConnection {
  const body: CreateConnection = { name: d.name.trim() };
  if (d.newMarketplaceAccounts !== 'skip') body.settings = { newMarketplaceAccounts: d.newMarketplaceAccounts };
  if (d.tinyToken.trim()) body.tinyToken = d.tinyToken.trim();
  if (d.iderisPrivateKey.trim()) body.iderisPrivateKey = d.iderisPrivateKey.trim();
  if (d.cnpj.trim()) body.cnpj = d.cnpj.trim();
  if (d.tinyIntegrationId.trim()) body.tinyIntegrationId = Number(d.tinyIntegrationId);
  if (d.iderisInvoiceUrl.trim()) body.iderisInvoiceUrl = d.iderisInvoiceUrl.trim();
  if (d.iderisTrackingUrl.trim()) body.iderisTrackingUrl = d.iderisTrackingUrl.trim();
  if (d.tinyBaseUrl.trim()) body.tinyBaseUrl = d.tinyBaseUrl.trim();
  if (d.iderisBaseUrl.trim()) body.iderisBaseUrl = d.iderisBaseUrl.trim();
  return body;
}

function Field({ label, hint, children }: { label: string; hint?: string; children: React.ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {hint ? <small className="hint">{hint}</small> : null}
    </label>
  );
}

export function ConnectionWizard() {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [connection, setConnection] = useState<Connection | null>(null);
  const [verification, setVerification] = useState<Verification>(null);
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });

  const create = useMutation({
    mutationFn: () => createConnection(toCreateBody(draft)),
    onSuccess: (c) => {
      setConnection(c);
      void qc.invalidateQueries({ queryKey: ['connections'] });
    },
  });
  const activate = useMutation({
    mutationFn: () => activateConnection(connection!.id),
    onSuccess: (c) => {
      setConnection(c);
      setVerification(c.lastVerification);
      void qc.invalidateQueries({ queryKey: ['connections'] });
    },
    onError: (e) => {
      const body = e instanceof ApiError ? (e.body as { verification?: Verification; connection?: Connection }) : undefined;
      if (body?.verification) setVerification(body.verification);
      if (body?.connection) setConnection(body.connection);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const active = connection?.situation === 'active';

  return (
    <>
      <div className="page-head">
        <h1>Nova conexão</h1>
        <ol className="steps" aria-label="Etapas">
          <li className={!connection ? 'current' : 'done'}>1. Dados</li>
          <li className={connection && !active ? 'current' : active ? 'done' : ''}>2. Testar conexão</li>
          <li className={active ? 'current' : ''}>3. Webhooks e regras</li>
        </ol>
      </div>
      {!connection ? (
        <form onSubmit={submit} className="panel">
          <div className="form-grid">
            <Field label="Nome da conexão" hint="Como a loja aparece no painel, ex.: Loja X — Mercado Livre + Shopee">
              <input value={draft.name} onChange={set('name')} required maxLength={120} />
            </Field>
            <Field label="CNPJ da empresa no Tiny">
              <input value={draft.cnpj} onChange={set('cnpj')} placeholder="12.345.678/0001-95" inputMode="numeric" />
            </Field>
            <Field label="Token da API do Tiny" hint="No Tiny: Configurações › Extensões › API › Token (gere um token para esta integração).">
              <input value={draft.tinyToken} onChange={set('tinyToken')} autoComplete="off" />
            </Field>
            <Field label="Id da integração no Tiny" hint="Número do e-commerce/integração Ideris no Tiny (Configurações › Integrações), usado nos pedidos.">
              <input value={draft.tinyIntegrationId} onChange={set('tinyIntegrationId')} inputMode="numeric" pattern="\d*" />
            </Field>
            <Field label="Chave privada da Ideris" hint="Na Ideris: Configurações › Integrações › API (Chave Privada).">
              <input value={draft.iderisPrivateKey} onChange={set('iderisPrivateKey')} autoComplete="off" />
            </Field>
            <Field label="Contas de marketplace novas">
              <select value={draft.newMarketplaceAccounts} onChange={(e) => setDraft({ ...draft, newMarketplaceAccounts: e.target.value as Draft['newMarketplaceAccounts'] })}>
                <option value="skip">Não importar até eu escolher</option>
                <option value="import">Importar automaticamente</option>
              </select>
            </Field>
            <Field label="URL da Ideris para envio da nota fiscal" hint="Pedida ao suporte da Ideris (“URL para envio da nota fiscal”). Opcional.">
              <input value={draft.iderisInvoiceUrl} onChange={set('iderisInvoiceUrl')} type="url" />
            </Field>
            <Field label="URL da Ideris para envio de rastreio" hint="Pedida ao suporte da Ideris (“URL para envio de rastreio”). Opcional.">
              <input value={draft.iderisTrackingUrl} onChange={set('iderisTrackingUrl')} type="url" />
            </Field>
          </div>
          <details>
            <summary>Avançado: endereços das APIs (sandbox e testes)</summary>
            <div className="form-grid">
              <Field label="Endereço da API do Tiny" hint="Padrão: https://api.tiny.com.br/api2">
                <input value={draft.tinyBaseUrl} onChange={set('tinyBaseUrl')} type="url" />
              </Field>
              <Field label="Endereço da API da Ideris" hint="Padrão: https://apiv3.ideris.com.br">
                <input value={draft.iderisBaseUrl} onChange={set('iderisBaseUrl')} type="url" />
              </Field>
            </div>
          </details>
          <button type="submit" disabled={create.isPending || !draft.name.trim()}>
            {create.isPending ? 'Gravando…' : 'Gravar e continuar'}
          </button>
          <ErrorBox error={create.error} />
        </form>
      ) : null}

      {connection && !active ? (
        <Section title={`Testar conexão — ${connection.name}`}>
          <p>Faz uma chamada real ao Tiny (token e CNPJ) e à Ideris (chave privada). Se as duas responderem, a conexão fica ativa e começa a sincronizar.</p>
          <button type="button" onClick={() => activate.mutate()} disabled={activate.isPending}>
            {activate.isPending ? 'Testando…' : 'Testar conexão'}
          </button>
          <VerificationResult verification={verification} />
          {activate.error && !verification ? <ErrorBox error={activate.error} /> : null}
          <p className="sub">
            Para corrigir um dado, abra a <Link to="/conexoes/$id" params={{ id: connection.id }}>página da conexão</Link>.
          </p>
        </Section>
      ) : null}

      {connection && active ? (
        <>
          <div className="notice ok" role="status">
            Conexão <strong>{connection.name}</strong> ativa. Os pedidos da Ideris começam a chegar em alguns segundos.{' '}
            <Link to="/pedidos" search={{ connectionId: connection.id }}>
              Ver pedidos
            </Link>
          </div>
          <VerificationResult verification={verification} />
          <Section title="URLs de webhook para colar no Tiny">
            <WebhookUrls urls={connection.webhookUrls} />
          </Section>
          <MarketplacesEditor connectionId={connection.id} />
          <FlowSwitches connection={connection} />
          <StockRules connection={connection} />
          <PriceRulesEditor connectionId={connection.id} />
        </>
      ) : null}
    </>
  );
}
