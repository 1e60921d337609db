import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line and every NATS hop carries, so one order can be followed across services. */
export interface RequestContext {
  correlationId: string;
  connectionId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export function runWithContext<T>(context: Partial<RequestContext>, fn: () => T): T {
  const full: RequestContext = { correlationId: context.correlationId ?? randomUUID(), connectionId: context.connectionId };
  return storage.run(full, fn);
}

/** Sets the connection id on the current context once the handler learns which connection it works for. */
export function bindConnection(connectionId: string): void {
  const store = storage.getStore();
  if (store) store.connectionId = connectionId;
}

export const CORRELATION_HEADER = 'x-correlation-id';
export const CONNECTION_HEADER = 'x-connection-id';
