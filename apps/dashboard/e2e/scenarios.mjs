// The operator's scenarios, each against the real stack through the real UI. Every scenario ends with a
// screenshot in .run/screenshots/<scenario>.png.
import { randomBytes } from 'node:crypto';
import { call, sleep } from './stack.mjs';
import { screenshot, seriousViolations } from './browser.mjs';

const TIMEOUT = 60_000;

/** Reloads until `locator()` is visible: the pages refresh themselves, a reload makes the wait deterministic. */
async function eventually(page, locator, what, timeoutMs = TIMEOUT) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await locator().first().waitFor({ state: 'visible', timeout: 4_000 });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await page.reload();
    }
  }
}

async function until(check, what, timeoutMs = TIMEOUT) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/** The seller of the run, in the sandbox: a Tiny account with a catalog, an Ideris account with a marketplace. */
export async function seedSeller(ctx) {
  const seller = { token: `e2e-tiny-${randomBytes(16).toString('hex')}`, key: randomBytes(48).toString('hex'), cnpj: '12345678000195', integrationId: 1001 };
  const sb = ctx.sandbox;
  await call('POST', `${sb}/control/tiny/webhooks/settings`, { timeScale: 0.001 });
  await call('POST', `${sb}/control/tiny/accounts`, { token: seller.token, cnpj: seller.cnpj, razaoSocial: 'Loja E2E LTDA', limitPerMinute: 600 });
  await call('POST', `${sb}/control/ideris/accounts`, { privateKey: seller.key, limitPerMinute: 600 });
  await call('POST', `${sb}/control/ideris/marketplaces`, { privateKey: seller.key, marketplaceName: 'Mercado Livre', name: 'Loja E2E ML' });
  for (const codigo of ['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4', 'SKU-5', 'CAM-AZUL-M', 'PRC-1']) await call('POST', `${sb}/control/tiny/products`, { token: seller.token, codigo, nome: `Produto ${codigo}`, preco: '99.90', saldo: 10 });
  await call('POST', `${sb}/control/ideris/skus`, { privateKey: seller.key, sku: 'PRC-1', currentStock: 10 });
  return seller;
}

export async function signIn(page, ctx) {
  await page.goto(`${ctx.gateway}/`);
  await page.getByLabel('Chave de API').fill(ctx.adminKey);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { name: 'Todas as conexões' }).waitFor();
}

const api = (ctx, method, path, body) => call(method, `${ctx.gateway}/api/v1${path}`, body, { authorization: `Bearer ${ctx.adminKey}` });

/** 1. Set up a connection through the wizard and see its first order arrive. */
export async function wizard(page, ctx) {
  const s = ctx.seller;
  await page.getByRole('link', { name: '+ Nova conexão' }).click();
  await page.getByLabel('Nome da conexão').fill('Loja E2E');
  await page.getByLabel('CNPJ da empresa no Tiny').fill('12.345.678/0001-95');
  await page.getByLabel('Token da API do Tiny').fill(s.token);
  await page.getByLabel('Id da integração no Tiny').fill(String(s.integrationId));
  await page.getByLabel('Chave privada da Ideris').fill(s.key);
  if (ctx.features.marketplaces) await page.getByLabel('Contas de marketplace novas').selectOption('import');
  await page.getByText('Avançado: endereços das APIs').click();
  await page.getByLabel('Endereço da API do Tiny').fill(`${ctx.sandbox}/tiny/api2`);
  await page.getByLabel('Endereço da API da Ideris').fill(`${ctx.sandbox}/ideris`);
  await page.getByRole('button', { name: 'Gravar e continuar' }).click();
  await page.getByRole('button', { name: 'Testar conexão' }).click();
  await page.getByText('URLs de webhook para colar no Tiny').waitFor({ timeout: 30_000 });
  await page.locator('.check-ok').nth(1).waitFor();
  const connection = (await api(ctx, 'GET', '/connections')).find((c) => c.name === 'Loja E2E');
  if (connection?.situation !== 'active') throw new Error(`the wizard's connection is ${connection?.situation}`);
  ctx.connection = connection;
  await page.getByRole('button', { name: /^Copiar: .*\/estoque$/ }).waitFor();
  // Tiny's side of the set-up the wizard asks for: the webhook URLs pasted into the integration.
  await call('POST', `${ctx.sandbox}/control/tiny/webhooks`, { token: s.token, idEcommerce: s.integrationId, urls: connection.webhookUrls });
  await screenshot(page, 'wizard');

  const [order] = await call('POST', `${ctx.sandbox}/control/ideris/orders`, { privateKey: s.key, count: 1 });
  ctx.firstOrder = order;
  await page.getByRole('link', { name: 'Ver pedidos' }).click();
  await eventually(page, () => page.getByRole('row').filter({ hasText: order.code }).getByText('importado'), `order ${order.code} imported`);
  await screenshot(page, 'wizard-first-order');
}

/** 2. A needs-mapping order fixed from the orders page: search Tiny, link, watch it import. */
export async function mapping(page, ctx) {
  const s = ctx.seller;
  // A listing sold without SKU: only its listing code tells which product it is.
  const [order] = await call('POST', `${ctx.sandbox}/control/ideris/orders`, { privateKey: s.key, items: [{ sku: null, listingCode: 'MLB3311', title: 'Camiseta Azul M', price: 59.9 }] });
  const code = String(order.code);
  await page.goto(`${ctx.gateway}/pedidos?connectionId=${ctx.connection.id}&state=needs_mapping`);
  const row = () => page.getByRole('row').filter({ hasText: code });
  await eventually(page, () => row().getByRole('button', { name: 'Fazer de-para' }), `order ${code} waiting for a de-para`);
  await screenshot(page, 'mapping-needs-mapping');
  for (let round = 0; round < 5; round++) {
    const fix = row().getByRole('button', { name: 'Fazer de-para' });
    if ((await fix.count()) === 0) break;
    await fix.first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Código ou GTIN no Tiny').fill('CAM-AZUL');
    await dialog.getByRole('button', { name: 'Buscar no Tiny' }).click();
    const link = dialog.getByRole('button', { name: /Vincular .* → CAM-AZUL-M/ });
    await link.waitFor({ timeout: 20_000 });
    if (round === 0) await screenshot(page, 'mapping-search');
    await link.click();
    await page.getByText(/De-para de .* salvo/).waitFor();
    await sleep(500);
  }
  await page.goto(`${ctx.gateway}/pedidos?connectionId=${ctx.connection.id}`);
  await eventually(page, () => row().getByText('importado'), `order ${code} imported after the de-para`);
  await screenshot(page, 'mapping');
}

/** 3. Failed items retried in bulk from the inbox, with the count confirmed and the answer shown. */
export async function bulkRetry(page, ctx) {
  const s = ctx.seller;
  await call('POST', `${ctx.sandbox}/control/faults`, { system: 'tiny', account: s.token, endpoint: 'pedido.incluir', tinyCodigoErro: 31, times: 3 });
  const orders = await call('POST', `${ctx.sandbox}/control/ideris/orders`, { privateKey: s.key, count: 3 });
  await page.goto(`${ctx.gateway}/falhas?connectionId=${ctx.connection.id}&flow=orders`);
  for (const o of orders) await eventually(page, () => page.getByRole('row').filter({ hasText: String(o.id) }), `order ${o.id} in the failure inbox`, 90_000);
  await call('DELETE', `${ctx.sandbox}/control/faults`);
  await screenshot(page, 'bulk-retry-inbox');
  for (const o of orders) await page.getByRole('row').filter({ hasText: String(o.id) }).getByRole('checkbox').check();
  await page.getByRole('button', { name: /Reenviar selecionados \(3\)/ }).click();
  const confirm = page.getByRole('alertdialog');
  if (!(await confirm.textContent()).includes('Reenfileirar 3 itens selecionados?')) throw new Error('the confirmation does not state the count');
  await confirm.getByRole('button', { name: 'Reenfileirar' }).click();
  await page.getByText(/3 reenfileirados, 0 ignorados/).waitFor({ timeout: 20_000 });
  await screenshot(page, 'bulk-retry');
  await until(async () => {
    const list = await api(ctx, 'GET', `/connections/${ctx.connection.id}/orders?limit=100`);
    return orders.every((o) => list.orders.find((x) => x.iderisOrderId === o.id)?.state === 'imported');
  }, 'the retried orders imported');
}

/** 4. A price drop held by the guard, confirmed from the stock & prices page. */
export async function priceDrop(page, ctx) {
  const s = ctx.seller;
  await call('POST', `${ctx.sandbox}/control/tiny/prices`, { token: s.token, codigo: 'PRC-1', preco: '19.90' });
  await page.goto(`${ctx.gateway}/estoque?connectionId=${ctx.connection.id}`);
  const row = () => page.getByRole('row').filter({ hasText: 'PRC-1' }).filter({ has: page.getByRole('button', { name: 'Confirmar queda' }) });
  await eventually(page, () => row(), 'the held price drop of PRC-1');
  await screenshot(page, 'price-drop-held');
  await row().getByRole('button', { name: 'Confirmar queda' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Confirmar' }).click();
  await page.getByText('Nenhuma queda de preço aguardando confirmação.').waitFor({ timeout: 30_000 });
  await screenshot(page, 'price-drop');
  const state = await call('GET', `${ctx.sandbox}/control/ideris/state?privateKey=${s.key}`);
  const model = state.listingModels.find((m) => m.sku === 'PRC-1');
  if (!model || Math.abs(Number(model.value) - 19.9) > 0.001) throw new Error(`Ideris holds ${model?.value} for PRC-1 after the confirmation`);
}

/** 5. Any id from the header: the marketplace number of the first order. */
export async function search(page, ctx) {
  const code = String(ctx.firstOrder.code);
  await page.goto(`${ctx.gateway}/`);
  await page.getByLabel('Buscar por qualquer id').fill(code);
  await page.getByRole('button', { name: 'Buscar', exact: true }).click();
  await page.getByRole('row').filter({ hasText: 'Loja E2E' }).first().waitFor({ timeout: 20_000 });
  await screenshot(page, 'search');
}

/** 5b. The orders page filtered by marketplace and days on the server: the URL, the rows, the pager's total. */
export async function ordersFilter(page, ctx) {
  const day = (offsetDays) => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(new Date(Date.now() + offsetDays * 86_400_000));
  const code = String(ctx.firstOrder.code);
  await page.goto(`${ctx.gateway}/pedidos?connectionId=${ctx.connection.id}`);
  await page.getByRole('row').filter({ hasText: code }).waitFor();
  // The label wraps the select, so its accessible name runs on with the option shown.
  await page.getByRole('combobox', { name: /^Marketplace/ }).selectOption('Mercado Livre');
  await page.getByLabel('De', { exact: true }).fill(day(0));
  await page.getByLabel('Até', { exact: true }).fill(day(0));
  await page.getByRole('row').filter({ hasText: code }).waitFor();
  const url = new URL(page.url());
  if (url.searchParams.get('marketplace') !== 'Mercado Livre' || url.searchParams.get('from') !== day(0) || url.searchParams.get('to') !== day(0)) throw new Error(`the filters are not in the URL: ${url.search}`);
  const { total } = await api(ctx, 'GET', `/connections/${ctx.connection.id}/orders?marketplace=Mercado%20Livre&from=${day(0)}&to=${day(0)}`);
  await page.getByRole('navigation', { name: 'Paginação' }).getByText(`de ${total}`).waitFor();
  await screenshot(page, 'orders-filter');
  await page.getByLabel('De', { exact: true }).fill(day(1));
  await page.getByText('A data final (Até) é anterior à inicial (De).').waitFor();
  await page.getByLabel('Até', { exact: true }).fill(day(1));
  await page.getByText('Nenhum pedido com esses filtros.').waitFor();
}

/** 6. Every page: no serious or critical accessibility violation (axe), each one photographed. */
export async function accessibility(page, ctx) {
  const c = ctx.connection.id;
  const pages = [
    ['overview', '/', 'Todas as conexões'],
    ['connection', `/conexoes/${c}`, 'Loja E2E'],
    ['new-connection', '/conexoes/nova', 'Nova conexão'],
    ['failures', `/falhas?connectionId=${c}`, 'Falhas'],
    ['orders', `/pedidos?connectionId=${c}`, 'Pedidos'],
    ['stock', `/estoque?connectionId=${c}`, 'Estoque e preços'],
    ['fiscal', `/notas?connectionId=${c}&order=${ctx.firstOrder.id}`, 'Notas fiscais e rastreio'],
    ['status', `/situacoes?connectionId=${c}`, 'Situações dos pedidos'],
    ['parked', '/mensagens', 'Mensagens paradas'],
    ['budget', `/consumo?connectionId=${c}`, 'Consumo da API'],
    ['search-page', `/busca?q=${ctx.firstOrder.code}`, 'Busca'],
  ];
  const problems = [];
  for (const [name, path, heading] of pages) {
    await page.goto(`${ctx.gateway}${path}`);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await sleep(300);
    await screenshot(page, `page-${name}`);
    for (const v of await seriousViolations(page)) problems.push(`${path}: ${v}`);
  }
  await page.goto(`${ctx.gateway}/entrar`);
  for (const v of await seriousViolations(page)) problems.push(`/entrar: ${v}`);
  if (problems.length) throw new Error(`accessibility violations:\n  ${problems.join('\n  ')}`);
}
