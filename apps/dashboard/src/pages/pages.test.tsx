import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
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

function order(id: number, marketplace: string, approvedAt: string | null) {
  return { iderisOrderId: id, marketplace, marketplaceOrderCode: `${marketplace.slice(0, 3).toUpperCase()}-${id}`, state: 'needs_mapping', workStatus: 'done', reason: 'unknown SKUs', unknownSkus: ['CAM-AZUL-M'], attempts: 1, tinyOrderId: null, tinyOrderNumber: null, approvedAt, discoveredAt: '2026-12-02T10:00:00.000Z', importedAt: null, stockPostedAt: null };
}

/** The orders route's answer: the page shows what the server filtered, with its total. */
function ordersGateway(orders: ReturnType<typeof order>[], total: number) {
  gateway.answer((method, url) => {
    if (method === 'POST' && url.includes('/orders/reprocess-parked')) return { requeued: 2 };
    if (url.startsWith('/api/v1/connections/c1/orders')) return { total, counts: [{ state: 'needs_mapping', work_status: 'done', n: total }], orders };
    if (url === '/api/v1/connections/c1/marketplaces')
      return { newAccounts: 'import', items: [{ accountId: 1, marketplace: 'Shopee', name: 'LOJA', state: 'enabled', tinyIntegrationId: null, firstSeenAt: recent(60) }, { accountId: 2, marketplace: 'Mercado Livre', name: 'LOJA', state: 'enabled', tinyIntegrationId: null, firstSeenAt: recent(60) }] };
    return connections;
  });
}
const ordersCalls = () => gateway.calls.filter((c) => c.method === 'GET' && c.url.startsWith('/api/v1/connections/c1/orders')).map((c) => c.url);

describe('orders: filters kept in the URL and applied by the server', () => {
  it('sends the URL\'s state, marketplace and days to the server, shows its page and total, and writes changes back', async () => {
    ordersGateway([order(11, 'Shopee', '2026-12-02T09:00:00.000Z'), order(12, 'Shopee', null)], 120);
    const { router } = renderApp('/pedidos?connectionId=c1&state=needs_mapping&marketplace=Shopee&from=2026-12-01&to=2026-12-07');
    expect(await screen.findByText('SHO-11')).toBeTruthy();
    expect(screen.getByText('SHO-12')).toBeTruthy();
    expect(screen.getByText('1–50 de 120')).toBeTruthy();
    expect(ordersCalls()).toEqual(['/api/v1/connections/c1/orders?state=needs_mapping&marketplace=Shopee&from=2026-12-01&to=2026-12-07&limit=50&offset=0']);
    expect((screen.getByLabelText('Situação') as HTMLSelectElement).value).toBe('needs_mapping');
    expect((screen.getByLabelText('Até') as HTMLInputElement).value).toBe('2026-12-07');
    // The marketplaces to pick are the connection's accounts'.
    await waitFor(() => expect([...(screen.getByLabelText('Marketplace') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['', 'Mercado Livre', 'Shopee']));

    fireEvent.change(screen.getByLabelText('Marketplace'), { target: { value: 'Mercado Livre' } });
    await waitFor(() => expect(router.state.location.search).toEqual({ connectionId: 'c1', state: 'needs_mapping', marketplace: 'Mercado Livre', from: '2026-12-01', to: '2026-12-07' }));
    await waitFor(() => expect(ordersCalls()).toContain('/api/v1/connections/c1/orders?state=needs_mapping&marketplace=Mercado%20Livre&from=2026-12-01&to=2026-12-07&limit=50&offset=0'));
    fireEvent.change(screen.getByLabelText('Até'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Situação'), { target: { value: '' } });
    await waitFor(() => expect(router.state.location.search).toEqual({ connectionId: 'c1', marketplace: 'Mercado Livre', from: '2026-12-01' }));
    await waitFor(() => expect(ordersCalls()).toContain('/api/v1/connections/c1/orders?marketplace=Mercado%20Livre&from=2026-12-01&limit=50&offset=0'));
    fireEvent.click(screen.getByRole('button', { name: 'Próxima ›' }));
    await waitFor(() => expect(router.state.location.search).toEqual({ connectionId: 'c1', marketplace: 'Mercado Livre', from: '2026-12-01', offset: 50 }));
    await waitFor(() => expect(ordersCalls()).toContain('/api/v1/connections/c1/orders?marketplace=Mercado%20Livre&from=2026-12-01&limit=50&offset=50'));
  });

  it('tells an order waiting for its connection’s turn from one merely queued', async () => {
    const queued = { ...order(21, 'Shopee', null), state: 'discovered', workStatus: 'queued', unknownSkus: [] };
    ordersGateway([{ ...queued, waitingForTurnSince: '2026-12-02T10:00:05.000Z' } as ReturnType<typeof order>, { ...queued, iderisOrderId: 22, marketplaceOrderCode: 'SHO-22' }], 2);
    renderApp('/pedidos?connectionId=c1');
    expect(await screen.findByText('SHO-21')).toBeTruthy();
    const waiting = screen.getByText('na fila · aguardando a vez da conexão');
    expect(waiting.closest('tr')?.textContent).toContain('SHO-21');
    expect(waiting.getAttribute('title')).toMatch(/cota de API/);
    expect(screen.getByText('na fila').closest('tr')?.textContent).toContain('SHO-22');
  });

  it('exports to CSV every page of the same filter, as the server filtered it', async () => {
    ordersGateway([order(11, 'Shopee', '2026-12-02T09:00:00.000Z'), order(12, 'Shopee', null)], 2);
    const files: Blob[] = [];
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      files.push(blob as Blob);
      return 'blob:orders';
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    // The download link is clicked, not followed: happy-dom would navigate the window to the blob.
    const save = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    try {
      renderApp('/pedidos?connectionId=c1&marketplace=Shopee&from=2026-12-01&to=2026-12-07');
      await screen.findByText('SHO-11');
      fireEvent.click(screen.getByRole('button', { name: 'Exportar CSV' }));
      await waitFor(() => expect(files).toHaveLength(1));
      expect(ordersCalls()).toContain('/api/v1/connections/c1/orders?marketplace=Shopee&from=2026-12-01&to=2026-12-07&limit=500&offset=0');
      const lines = (await files[0]!.text()).split('\r\n');
      expect(lines.slice(1, 3).map((l) => l.split(';').slice(0, 3))).toEqual([
        ['11', 'Shopee', 'SHO-11'],
        ['12', 'Shopee', 'SHO-12'],
      ]);
      expect(lines[0]).toContain('data do pedido (aprovação)');
      expect(lines[1]).toContain('2026-12-02T09:00:00.000Z');
    } finally {
      for (const spy of [createObjectURL, revoke, save]) spy.mockRestore();
    }
  });

  it('queues again the parked orders of the same marketplace and days, saying so first', async () => {
    ordersGateway([order(11, 'Shopee', null), order(12, 'Shopee', null)], 2);
    renderApp('/pedidos?connectionId=c1&marketplace=Shopee&from=2026-12-01');
    fireEvent.click(await screen.findByRole('button', { name: 'Reprocessar todos os parados (2)' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('Reenfileirar 2 pedidos parados deste marketplace e período?');
    fireEvent.click(screen.getByRole('button', { name: 'Reenfileirar' }));
    expect(await screen.findByText('2 reenfileirados')).toBeTruthy();
    expect(gateway.calls.find((c) => c.method === 'POST')!.url).toBe('/api/v1/connections/c1/orders/reprocess-parked?marketplace=Shopee&from=2026-12-01');
  });

  it('does not ask the server for a range that ends before it starts, and says why', async () => {
    ordersGateway([], 0);
    renderApp('/pedidos?connectionId=c1&from=2026-12-07&to=2026-12-01');
    expect(await screen.findByText('A data final (Até) é anterior à inicial (De).')).toBeTruthy();
    await screen.findByLabelText('Marketplace');
    expect(ordersCalls()).toEqual([]);
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
