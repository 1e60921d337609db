import { createServer } from 'node:http';
import { keepConnectionsLongerThanClients } from './gateway.http';

describe('the gateway HTTP server', () => {
  it('keeps idle keep-alive connections longer than clients and load balancers do (60 s), so they close first', () => {
    const server = createServer();
    expect(server.keepAliveTimeout).toBe(5_000); // Node's default: a client reusing a socket at ~5 s is reset
    keepConnectionsLongerThanClients(server);
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });
});
