import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

/**
 * Component tests answer the gateway's routes from fixtures: each test sets `answer` to a function of
 * (method, path with query) → JSON body (or a Response for errors); every request is recorded.
 */
export interface Recorded {
  method: string;
  url: string;
  body: unknown;
}
type Answer = (method: string, url: string, body: unknown) => unknown;

const state: { answer: Answer; calls: Recorded[] } = { answer: () => ({}), calls: [] };
export const gateway = {
  answer(fn: Answer) {
    state.answer = fn;
  },
  get calls() {
    return state.calls;
  },
};

globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://127.0.0.1:3000/'), init);
  const url = new URL(request.url);
  const text = await request.text();
  const body = text ? JSON.parse(text) : undefined;
  state.calls.push({ method: request.method, url: url.pathname + url.search, body });
  const result = state.answer(request.method, url.pathname + url.search, body);
  if (result instanceof Response) return result;
  return new Response(JSON.stringify(result), { status: 200, headers: { 'content-type': 'application/json' } });
}) as typeof fetch;

afterEach(() => {
  cleanup();
  state.calls.length = 0;
  state.answer = () => ({});
});
