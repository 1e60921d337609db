import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { activateConnection, deactivateConnection, getConnection, updateConnection, type Connection, type CreateConnection } from '../api/connections';
import { FlowSwitches, MarketplacesEditor, PriceRulesEditor, StockRules, VerificationResult, WebhookUrls } from '../components/ConnectionSettings';
import { Badge, ErrorBox, Loading, Section } from '../components/ui';
import { formatCnpj } from '../lib/format';
import { SITUATION_LABEL } from '../lib/freshness';

function CredentialsForm({ connection }: { connection: Connection }) {
  const qc = useQueryClient();
  const [patch, setPatch] = useState<Partial<CreateConnection>>({});
  const save = useMutation({
    mutationFn: (body: Partial<CreateConnection>) => updateConnection(connection.id, body),
    onSuccess: (c) => {
      qc.setQueryData(['connection', c.id], c);
      setPatch({});
    },
  });
  const text = (k: keyof CreateConnection, label: string, current: string | null | undefined, hint?: string) => (
    <label className="field">
      <span>{label}</span>
      <input value={(patch[k] as string | undefined) ?? ''} placeholder={current ?? ''} onChange={(e) => setPatch({ ...patch, [k]: e.target.value || undefined })} autoComplete="off" />
      {hint ? <small className="hint">{hint}</small> : null}
    </label>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = { ...patch };
    if (typeof body.tinyIntegrationId === 'string') body.tinyIntegrationId = Number(body.tinyIntegrationId);
    save.mutate(body);
  };
  return (
    <Section title="Dados e credenciais">
      <form onSubmit={submit}>
        <p className="hint">Deixe em branco o que não muda. Trocar token, chave, CNPJ ou endereço volta a conexão para “não configurada” até testar de novo.</p>
        <div className="form-grid">
          {text('name', 'Nome', connection.name)}
          {text('cnpj', 'CNPJ', formatCnpj(connection.cnpj))}
          {text('tinyToken', 'Token da API do Tiny', connection.tinyToken, 'No Tiny: Configurações › Extensões › API › Token')}
          {text('tinyIntegrationId', 'Id da integração no Tiny', connection.tinyIntegrationId ? String(connection.tinyIntegrationId) : null)}
          {text('iderisPrivateKey', 'Chave privada da Ideris', connection.iderisPrivateKey)}
          {text('iderisInvoiceUrl', 'URL da Ideris para nota fiscal', connection.iderisInvoiceUrl)}
          {text('iderisTrackingUrl', 'URL da Ideris para rastreio', connection.iderisTrackingUrl)}
        </div>
        <button type="submit" disabled={Object.keys(patch).length === 0 || save.isPending}>
          Salvar alterações
        </button>
        <ErrorBox error={save.error} />
      </form>
    </Section>
  );
}

export function ConnectionPage() {
  const { id } = useParams({ from: '/conexoes/$id' });
  const qc = useQueryClient();
  const query = useQuery({ queryKey: ['connection', id], queryFn: () => getConnection(id) });
  const [verification, setVerification] = useState<Connection['lastVerification'] | undefined>(undefined);
  const toggle = useMutation({
    mutationFn: (on: boolean) => (on ? activateConnection(id) : deactivateConnection(id)),
    onSuccess: (c) => {
      qc.setQueryData(['connection', id], c);
      setVerification(c.lastVerification);
    },
    onError: (e) => {
      const body = e instanceof ApiError ? (e.body as { verification?: Connection['lastVerification'] }) : undefined;
      if (body?.verification) setVerification(body.verification);
    },
  });
  if (query.isPending) return <Loading />;
  if (!query.data) return <ErrorBox error={query.error} />;
  const c = query.data;
  return (
    <>
      <div className="page-head">
        <h1>{c.name}</h1>
        <Badge tone={c.situation === 'active' ? 'ok' : c.situation === 'inactive' ? 'off' : 'idle'}>{SITUATION_LABEL[c.situation]}</Badge>
        <span className="muted">{formatCnpj(c.cnpj)}</span>
        <span className="spacer" />
        <Link to="/pedidos" search={{ connectionId: id }}>
          Pedidos
        </Link>
        <Link to="/falhas" search={{ connectionId: id }}>
          Falhas
        </Link>
        <Link to="/consumo" search={{ connectionId: id }}>
          Consumo da API
        </Link>
        {c.situation === 'active' ? (
          <button type="button" className="secondary" onClick={() => toggle.mutate(false)} disabled={toggle.isPending}>
            Desativar
          </button>
        ) : (
          <button type="button" onClick={() => toggle.mutate(true)} disabled={toggle.isPending}>
            {toggle.isPending ? 'Testando…' : 'Testar conexão e ativar'}
          </button>
        )}
      </div>
      {!c.secretsReadable ? <div className="error">As credenciais gravadas não abrem com a chave de criptografia atual: informe token e chave de novo.</div> : null}
      <VerificationResult verification={verification ?? c.lastVerification} />
      {toggle.error && !verification ? <ErrorBox error={toggle.error} /> : null}
      <Section title="URLs de webhook para colar no Tiny">
        <WebhookUrls urls={c.webhookUrls} />
      </Section>
      <CredentialsForm connection={c} />
      <MarketplacesEditor connectionId={id} />
      <FlowSwitches connection={c} />
      <StockRules connection={c} />
      <PriceRulesEditor connectionId={id} />
    </>
  );
}
