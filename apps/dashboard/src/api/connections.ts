import { useQuery } from '@tanstack/react-query';
import { client, unwrap, api } from './client';
import type { components } from './openapi';
import type { MarketplacesView, Situation, SwitchableFlow } from './views';

type Schemas = components['schemas'];
export type ConnectionSettings = Schemas['ConnectionSettings'] & {
  flows?: Partial<Record<SwitchableFlow, boolean>>;
  newMarketplaceAccounts?: 'skip' | 'import';
  invoiceTrackingPath?: 'notification_urls' | 'ideris_api';
};
export type CreateConnection = Omit<Schemas['CreateConnectionDto'], 'settings'> & {
  settings?: Partial<ConnectionSettings>;
  iderisInvoiceUrl?: string | null;
  iderisTrackingUrl?: string | null;
};

export interface Check {
  ok: boolean;
  detail: string;
}
export interface Verification {
  at: string;
  tiny: Check;
  ideris: Check;
}

/** ConnectionView as the gateway sends it (the generated schema loses the nullable scalars' types). */
export type Connection = Omit<Schemas['ConnectionView'], 'cnpj' | 'tinyIntegrationId' | 'tinyToken' | 'iderisPrivateKey' | 'webhookUrls' | 'settings' | 'situation' | 'lastVerification'> & {
  lastVerification: Verification | null;
  situation: Situation;
  cnpj: string | null;
  tinyIntegrationId: number | null;
  tinyToken: string | null;
  iderisPrivateKey: string | null;
  webhookUrls: Record<string, string> | null;
  settings: ConnectionSettings;
  iderisInvoiceUrl?: string | null;
  iderisTrackingUrl?: string | null;
};

export const listConnections = () => unwrap<Connection[]>(client.GET('/api/v1/connections'));
export const getConnection = (id: string) => unwrap<Connection>(client.GET('/api/v1/connections/{id}', { params: { path: { id } } }));
export const createConnection = (body: CreateConnection) => unwrap<Connection>(client.POST('/api/v1/connections', { body: body as Schemas['CreateConnectionDto'] }));
export const updateConnection = (id: string, body: Partial<CreateConnection>) =>
  unwrap<Connection>(client.PATCH('/api/v1/connections/{id}', { params: { path: { id } }, body: body as Schemas['UpdateConnectionDto'] }));
export const activateConnection = (id: string) => unwrap<Connection>(client.POST('/api/v1/connections/{id}/activate', { params: { path: { id } } }));
export const deactivateConnection = (id: string) => unwrap<Connection>(client.POST('/api/v1/connections/{id}/deactivate', { params: { path: { id } } }));
export const getMarketplaces = (id: string) => api<MarketplacesView>('GET', `/connections/${id}/marketplaces`);
export const putMarketplace = (id: string, accountId: string | number, body: { enabled: boolean; tinyIntegrationId?: number | null }) =>
  api('PUT', `/connections/${id}/marketplaces/${encodeURIComponent(String(accountId))}`, { body });

export function useConnections() {
  return useQuery({ queryKey: ['connections'], queryFn: listConnections, staleTime: 30_000 });
}
