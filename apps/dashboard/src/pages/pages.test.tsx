import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Overview, WorkItemView } from '../api/views';
import { gateway } from '../test/setup';
import { renderApp } from '../test/render';

const recent = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const connections = [
  { id: 'c1', name: 'Loja A', situation: 'active' },
  { id: 'c2', name: 'Loja B', situation: 'active' },
];

const overview: Overview = {
  total: 2,
  counts: { ok: 1, late: 0, failing: 1, inactive: 0, not_set_up: 0 },
  generatedAt: new Date().toISOString(),
  items: [
    {
      id: 'c1',
      name: 'Loja A',
      cnpj: '12345678000195',
      situation: 'active',
      health: 'failing',
      flows: {
        orders: { state: 'ok', lastSuccessAt: recent(3), lastAttemptAt: recent(3), expectedEverySeconds: 60, failures: 0, pending: 0 },
        stock: { state: 'failing', lastSuccessAt: recent(90), lastAttemptAt: recent(1), expectedEverySeconds: 60, failures: 7, pending: 3 },
        prices: { state: 'late', lastSuccessAt: recent(25), lastAttemptAt: recent(25), expectedEverySeconds: 600, failures: 0, pending: 1 },
        tracking: { state: 'off', lastSuccessAt: null, lastAttemptAt: null, expectedEverySeconds: 300, failures: 0, pending: 0 },
      },
    },
    { id: 'c2', name: 'Loja B', cnpj: null, situation: 'not_configured', health: 'not_set_up', flows: {} },
  ],
};

function item(n: number): WorkItemView {
  return {
    ref: `orders~c1~${n}`,
    flow: 'orders',
    connectionId: 'c1',
    connectionName: 'Loja A',
    key: String(n),
    status: 'waiting',
    outcome: 'needs_mapping',
    reasonCode: 'needs_mapping',
    reasonDetail: null,
    attempts: 1,
    createdAt: recent(10),
    updatedAt: recent(5),
    nextCheckAt: null,
    refs: { iderisOrderId: n, marketplaceOrderCode: `MLB-${n}` },
  };
}

describe('all sellers at a glance', () => {
  it('shows freshness per flow, the counters, and links failure counts to the filtered inbox', async () => {
    gateway.answer((_m, url) => (url.startsWith('/api/v1/overview') ? overview : connections));
    renderApp('/');
    const row = (await screen.findByRole('link', { name: 'Loja A' })).closest('tr')!;
    expect(within(row).getByText('há 3 min')).toBeTruthy();
    expect(within(row).getByText('falhando')).toBeTruthy();
    expect(within(row).getByText('atrasado (há 25 min)')).toBeTruthy();
    expect(within(row).getByText('desligado')).toBeTruthy();
    expect(within(row).getByText('12.345.678/0001-95')).toBeTruthy();
    const failures = within(row).getByRole('link', { name: /7 falhas de Estoque em Loja A/ });
    expect(failures.getAttribute('href')).toBe('/falhas?connectionId=c1&flow=stock');
    const counter = screen.getByRole('link', { name: /1\s*com falhas/ });
    expect(counter.getAttribute('href')).toBe('/?health=failing');
  });

  it('sends the counter filter and the page to the server', async () => {
    gateway.answer((_m, url) => (url.startsWith('/api/v1/overview') ? { ...overview, total: 120 } : connections));
    const { router } = renderApp('/?health=failing');
    await screen.findByRole('link', { name: 'Loja A' });
    expect(gateway.calls.find((c) => c.url.startsWith('/api/v1/overview'))!.url).toBe('/api/v1/overview?health=failing&limit=50&offset=0');
    fireEvent.click(screen.getByRole('button', { name: 'Próxima ›' }));
    await waitFor(() => expect(router.state.location.search).toEqual({ health: 'failing', offset: 50 }));
    await waitFor(() => expect(gateway.calls.some((c) => c.url === '/api/v1/overview?health=failing&limit=50&offset=50')).toBe(true));
  });
});

describe('orders: filters kept in the URL', () => {
  it('reads the filters from the URL, asks the server for the state, and writes changes back', async () => {
    gateway.answer((_m, url) => {
      if (url.startsWith('/api/v1/connections/c1/orders'))
        return {
          total: 2,
          counts: [{ state: 'needs_mapping', work_status: 'done', n: 2 }],
          orders: [
            { iderisOrderId: 11, marketplace: 'Shopee', marketplaceOrderCode: 'SHP-11', state: 'needs_mapping', workStatus: 'done', reason: 'unknown SKUs', unknownSkus: ['CAM-AZUL-M'], attempts: 1, tinyOrderId: null, tinyOrderNumber: null, discoveredAt: '2026-12-02T10:00:00.000Z', importedAt: null, stockPostedAt: null },
            { iderisOrderId: 12, marketplace: 'Mercado Livre', marketplaceOrderCode: 'MLB-12', state: 'needs_mapping', workStatus: 'done', reason: 'unknown SKUs', unknownSkus: ['X'], attempts: 1, tinyOrderId: null, tinyOrderNumber: null, discoveredAt: '2026-12-02T10:00:00.000Z', importedAt: null, stockPostedAt: null },
          ],
        };
      return connections;
    });
    const { router } = renderApp('/pedidos?connectionId=c1&state=needs_mapping&marketplace=Shopee');
    expect(await screen.findByText('SHP-11')).toBeTruthy();
    expect(screen.queryByText('MLB-12')).toBeNull();
    expect(gateway.calls.some((c) => c.url === '/api/v1/connections/c1/orders?state=needs_mapping&limit=50&offset=0')).toBe(true);
    expect((screen.getByLabelText('Situação') as HTMLSelectElement).value).toBe('needs_mapping');
    fireEvent.change(screen.getByLabelText('De'), { target: { value: '2026-12-01' } });
    await waitFor(() => expect(router.state.location.search).toEqual({ connectionId: 'c1', state: 'needs_mapping', marketplace: 'Shopee', from: '2026-12-01' }));
    fireEvent.change(screen.getByLabelText('Situação'), { target: { value: '' } });
    await waitFor(() => expect(router.state.location.search).toEqual({ connectionId: 'c1', marketplace: 'Shopee', from: '2026-12-01' }));
  });
});

describe('failure inbox: bulk retry', () => {
  it('confirms with the count of the whole filter, sends the filter, and answers queued vs skipped', async () => {
    gateway.answer((method, url) => {
      if (url.startsWith('/api/v1/failures/groups')) return { groups: [{ connectionId: 'c1', connectionName: 'Loja A', flow: 'orders', reasonCode: 'needs_mapping', count: 120, oldestAt: recent(60), sampleDetail: null }] };
      if (method === 'POST' && url === '/api/v1/failures/retry') return { matched: 120, queued: 117, skipped: 3, skippedReasons: { already_done: 2, running: 1 } };
      if (url.startsWith('/api/v1/failures')) return { total: 120, items: [item(1), item(2), item(3)] };
      return connections;
    });
    renderApp('/falhas?connectionId=c1&flow=orders&reasonCode=needs_mapping');
    await screen.findByRole('link', { name: '1' });
    expect(screen.getAllByText('Anúncio ou SKU do marketplace sem de-para para um produto do Tiny').length).toBeGreaterThan(0);
    fireEvent.click(screen.getByRole('button', { name: 'Reenviar todos do filtro (120)' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('Reenfileirar 120 itens que correspondem ao filtro atual?');
    fireEvent.click(screen.getByRole('button', { name: 'Reenfileirar' }));
    expect(await screen.findByText('117 reenfileirados, 3 ignorados (2 já concluídos / 1 em execução)')).toBeTruthy();
    const post = gateway.calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ filter: { connectionId: 'c1', flow: 'orders', reasonCode: 'needs_mapping' } });
  });

  it('retries a selection with its refs and says how many it touches first', async () => {
    gateway.answer((method, url) => {
      if (url.startsWith('/api/v1/failures/groups')) return { groups: [] };
      if (method === 'POST') return { matched: 2, queued: 2, skipped: 0, skippedReasons: {} };
      if (url.startsWith('/api/v1/failures')) return { total: 3, items: [item(1), item(2), item(3)] };
      return connections;
    });
    renderApp('/falhas');
    fireEvent.click(await screen.findByLabelText('Selecionar 1'));
    fireEvent.click(screen.getByLabelText('Selecionar 3'));
    fireEvent.click(screen.getByRole('button', { name: 'Reenviar selecionados (2)' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('Reenfileirar 2 itens selecionados?');
    fireEvent.click(screen.getByRole('button', { name: 'Reenfileirar' }));
    expect(await screen.findByText('2 reenfileirados, 0 ignorados')).toBeTruthy();
    expect(gateway.calls.find((c) => c.method === 'POST')!.body).toEqual({ refs: ['orders~c1~1', 'orders~c1~3'] });
  });
});

describe('sign-in', () => {
  it('sends every call with the pasted key as Bearer and keeps it in sessionStorage', async () => {
    sessionStorage.clear();
    const seen: string[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const r = input instanceof Request ? input : new Request(new URL(String(input), 'http://127.0.0.1:3000/'), init);
      seen.push(r.headers.get('authorization') ?? '');
      return original(input, init);
    }) as typeof fetch;
    try {
      gateway.answer((_m, url) => (url.startsWith('/api/v1/overview') ? overview : connections));
      const { router } = renderApp('/entrar');
      sessionStorage.clear();
      fireEvent.change(await screen.findByLabelText('Chave de API'), { target: { value: 'the-admin-key-0123456789' } });
      fireEvent.click(screen.getByRole('button', { name: 'Entrar' }));
      await waitFor(() => expect(router.state.location.pathname).toBe('/'));
      expect(sessionStorage.getItem('hub.adminKey')).toBe('the-admin-key-0123456789');
      expect(seen[0]).toBe('Bearer the-admin-key-0123456789');
    } finally {
      globalThis.fetch = original;
    }
  });
});
