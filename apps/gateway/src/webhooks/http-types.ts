// The server side of Node's HTTP, types only (the webhook fast path and the raw body reader take a plain request
// and response): the rule is against HTTP clients in services, and nothing here makes a call.
// eslint-disable-next-line no-restricted-imports
export type { IncomingMessage, Server, ServerResponse } from 'node:http';
