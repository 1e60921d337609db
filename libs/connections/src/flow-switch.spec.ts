import { CONNECTION_FLOWS, TINY_NOTIFICATION_KINDS, type ConnectionFlow, type ConnectionFlows } from '@hub/contracts';
import { FLOW_OF_NOTIFICATION, flowEnabled } from './flow-switch';

describe('flowEnabled', () => {
  const cases: Array<{ name: string; connection: Parameters<typeof flowEnabled>[0]; flow: ConnectionFlow; enabled: boolean }> = [
    { name: 'no connection (not seen yet)', connection: undefined, flow: 'stock', enabled: true },
    { name: 'settings missing', connection: {}, flow: 'stock', enabled: true },
    { name: 'settings null', connection: { settings: null }, flow: 'orders', enabled: true },
    { name: 'saved before the switches existed', connection: { settings: {} }, flow: 'orders', enabled: true },
    { name: 'flows null', connection: { settings: { flows: null } }, flow: 'prices', enabled: true },
    { name: 'flows empty', connection: { settings: { flows: {} } }, flow: 'invoices', enabled: true },
    { name: 'the flow switched on', connection: { settings: { flows: { tracking: true } } }, flow: 'tracking', enabled: true },
    { name: 'the flow switched off', connection: { settings: { flows: { tracking: false } } }, flow: 'tracking', enabled: false },
    { name: 'another flow switched off', connection: { settings: { flows: { stock: false } } }, flow: 'prices', enabled: true },
    { name: 'a partial PATCH names only the flow it turns off', connection: { settings: { flows: { status: false } } }, flow: 'status', enabled: false },
    { name: 'every flow off but this one', connection: { settings: { flows: allFlows(false, 'products') } }, flow: 'products', enabled: true },
    { name: 'every flow on but this one', connection: { settings: { flows: allFlows(true, 'orders') } }, flow: 'orders', enabled: false },
  ];

  it.each(cases)('$name → $enabled', ({ connection, flow, enabled }) => {
    expect(flowEnabled(connection, flow)).toBe(enabled);
  });
});

describe('FLOW_OF_NOTIFICATION', () => {
  it.each([
    ['estoque', 'stock'],
    ['precos', 'prices'],
    ['produto', 'products'],
    ['nota_fiscal', 'invoices'],
    ['rastreio', 'tracking'],
    ['situacao_pedido', 'status'],
    ['atualizacao_pedido', 'status'],
    ['inclusao_pedido', 'orders'],
  ] as const)('%s belongs to %s', (kind, flow) => {
    expect(FLOW_OF_NOTIFICATION[kind]).toBe(flow);
  });

  it('names a flow for every kind Tiny sends', () => {
    for (const kind of TINY_NOTIFICATION_KINDS) expect(CONNECTION_FLOWS).toContain(FLOW_OF_NOTIFICATION[kind]);
  });
});

/** Every flow set to `value`, except `other`, set to the opposite. */
function allFlows(value: boolean, other: ConnectionFlow): ConnectionFlows {
  return Object.fromEntries(CONNECTION_FLOWS.map((flow) => [flow, flow === other ? !value : value]));
}
