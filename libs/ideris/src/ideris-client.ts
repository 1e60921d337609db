import { OPEN_GATE, type CallGate } from '@hub/budget';
import { IderisApiError, iderisErrorDetail, iderisErrorKindForStatus } from './ideris-api.error';
import { answerSummary, maskedLocation, NotificationUrlError } from './ideris-notification-url.policy';
import { IderisTokenCache, toIderisToken, type IderisToken } from './ideris-auth';
import { unquoteJwt } from './ideris-jwt';
import {
  isRecord,
  mapIderisMarketplaceAccount,
  mapIderisOrder,
  type IderisMarketplaceAccount,
  type IderisOrder,
  type IderisOrderPage,
  type IderisOrderSearch,
} from './ideris-order.models';
import { walkIderisOrders, type IderisOrderWalk } from './ideris-order.walker';

export interface IderisClientOptions {
  /** e.g. `https://apiv3.ideris.com.br` or `http://127.0.0.1:3100/ideris`. */
  baseUrl: string;
  privateKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** The account's shared API budget; every authorised call waits for its slot there. */
  gate?: CallGate;
}

type Query = Record<string, string | number | Array<string | number> | undefined>;

const DEFAULT_TIMEOUT_MS = 30_000;

export class IderisClient {
  private readonly baseUrl: string;
  private readonly privateKey: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly tokens: IderisTokenCache;
  private readonly gate: CallGate;

  constructor(options: IderisClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.privateKey = options.privateKey;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.tokens = new IderisTokenCache(() => this.login(), this.now);
    this.gate = options.gate ?? OPEN_GATE;
  }

  /** v3 login: the private key goes as a bare JSON string and the JWT comes back as one. */
  async login(): Promise<IderisToken> {
    const path = '/login';
    const response = await this.send(`${this.baseUrl}${path}`, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(this.privateKey),
    });
    const text = await response.text();
    if (!response.ok) throw httpError(path, response, text);
    const jwt = unquoteJwt(text);
    if (jwt.split('.').length !== 3) throw new IderisApiError({ kind: 'transient', path, detail: 'login answer is not a JWT' });
    return toIderisToken(jwt, this.now());
  }

  async verifyCredentials(): Promise<{ privateKeyId?: string; expiresAt: Date }> {
    const token = await this.tokens.refresh();
    return { privateKeyId: token.privateKeyId, expiresAt: token.expiresAt };
  }

  async searchOrders(search: IderisOrderSearch = {}): Promise<IderisOrderPage> {
    const body = await this.get('/order/search', {
      startDate: search.startDate?.toISOString(),
      endDate: search.endDate?.toISOString(),
      statusId: search.statusIds,
      authenticationId: search.authenticationId,
      orderCode: search.orderCode,
      orderPackId: search.orderPackId,
      limit: search.limit,
      offset: search.offset,
      sort: search.sort,
    });
    const list = isRecord(body) && Array.isArray(body['obj']) ? body['obj'] : [];
    const total = isRecord(body) && typeof body['total'] === 'number' ? body['total'] : list.length;
    return { total, orders: list.map(mapIderisOrder).filter((order): order is IderisOrder => order !== undefined) };
  }

  /** Every order of a search, window by window (see `walkIderisOrders` for the quirks it absorbs). */
  async walkOrders(search: Omit<IderisOrderSearch, 'limit' | 'offset'> = {}): Promise<IderisOrderWalk> {
    return walkIderisOrders((page) => this.searchOrders(page), search);
  }

  /** An unknown id is answered 204 with no body (docs/contracts.md#ideris-order-detail): a `not-found` error, never a parse error. */
  async getOrder(id: number | string): Promise<IderisOrder> {
    const path = `/order/${encodeURIComponent(String(id))}`;
    const body = await this.get(path);
    if (body === NO_CONTENT) throw new IderisApiError({ kind: 'not-found', path, httpStatus: 204, detail: 'no such order (204 No Content)' });
    const order = mapIderisOrder(objOf(body));
    if (!order) throw new IderisApiError({ kind: 'transient', path, detail: 'unexpected order shape' });
    return order;
  }

  /** The orders of one marketplace order code or one pack (cart) id; none is an empty list (Ideris answers 204). */
  async findOrders(by: { orderCode: string } | { orderPackId: string }): Promise<IderisOrder[]> {
    return (await this.searchOrders(by)).orders;
  }

  async listMarketplaceAccounts(): Promise<IderisMarketplaceAccount[]> {
    const list = objOf(await this.get('/settings/marketplace'));
    return (Array.isArray(list) ? list : [])
      .map(mapIderisMarketplaceAccount)
      .filter((account): account is IderisMarketplaceAccount => account !== undefined);
  }

  /**
   * Authenticated GET returning the parsed JSON body, or `NO_CONTENT` when Ideris answers 204 (its "not found");
   * re-logs in once on a 401.
   */
  async get(path: string, query: Query = {}): Promise<unknown> {
    return this.authorized('GET', path + queryString(query));
  }

  async sendJson(method: 'POST' | 'PUT', path: string, body: unknown): Promise<unknown> {
    return this.authorized(method, path, JSON.stringify(body));
  }

  /**
   * Like `sendJson`, but the body is built once the API budget granted the call, so it carries the latest value
   * after any wait for the slot; `build` answering undefined sends nothing (`{ sent: false }`; the slot is spent).
   */
  async sendLatestJson(method: 'POST' | 'PUT', path: string, build: () => Promise<unknown>): Promise<{ sent: false } | { sent: true; body: unknown; answer: unknown }> {
    let built: unknown;
    const answer = await this.authorized(method, path, async () => {
      built = await build();
      return built === undefined ? undefined : JSON.stringify(built);
    });
    return answer === NOT_SENT ? { sent: false } : { sent: true, body: built, answer };
  }

  /**
   * POSTs JSON to an absolute URL the seller got from Ideris support (no bearer token: the URL is its own credential),
   * under the account's API budget like every other Ideris call. A 2xx answers its status, content type and length
   * (never the body: a URL pointed inside a network must not echo what it found there). A redirect is not followed (a
   * POST turned into a GET would deliver nothing and still answer 2xx): any 3xx, a 404/410 and a 401/403 throw a
   * `NotificationUrlError` for an operator; 5xx/408/timeouts are transient, 429 rate-limited, other 4xx refusals.
   */
  async postToUrl(url: string, body: unknown, label: string): Promise<{ status: number; contentType: string | null; bytes: number }> {
    const path = `url:${label}`;
    return this.gate.run({ label: `POST ${path}`, blockOf: iderisBlockOf }, async () => {
      const response = await this.send(url, path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
      });
      const bytes = await response.arrayBuffer().then((buffer) => buffer.byteLength).catch(() => 0);
      if (response.status >= 200 && response.status <= 299) return { status: response.status, contentType: response.headers.get('content-type'), bytes };
      throw urlAnswerError(path, url, response, bytes);
    });
  }

  private async authorized(method: string, pathAndQuery: string, body?: string | (() => Promise<string | undefined>)): Promise<unknown> {
    let token = await this.tokens.token();
    for (let attempt = 0; ; attempt += 1) {
      const jwt = token.jwt;
      const { response, text } = await this.gate.run({ label: `${method} ${pathAndQuery.split('?')[0]}`, blockOf: iderisBlockOf }, async () => {
        const payload = typeof body === 'function' ? await body() : body;
        if (typeof body === 'function' && payload === undefined) return { response: undefined, text: '' };
        const res = await this.send(`${this.baseUrl}${pathAndQuery}`, pathAndQuery, {
          method,
          headers: {
            authorization: `Bearer ${jwt}`,
            accept: 'application/json',
            ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: payload,
        });
        const resText = await res.text();
        if (res.status === 429) throw httpError(pathAndQuery, res, resText);
        return { response: res, text: resText };
      });
      if (!response) return NOT_SENT;
      if (response.status === 401 && attempt === 0) {
        this.tokens.invalidate(token.jwt);
        token = await this.tokens.token();
        continue;
      }
      if (!response.ok) throw httpError(pathAndQuery, response, text);
      // Ideris answers "not found" with 204 and no body; a write answering 204 simply succeeded.
      if (response.status === 204) return method === 'GET' ? NO_CONTENT : undefined;
      return parseJson(pathAndQuery, text);
    }
  }

  /** One fetch with the client's timeout; a timeout or a network failure is a transient error naming `path`. */
  private async send(url: string, path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error: unknown) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new IderisApiError({ kind: 'transient', path, detail: timedOut ? 'timeout' : 'network error', cause: error });
    }
  }
}

/** What a GET answers when Ideris said 204 No Content: its way of saying "not found" (and "no rows"). */
export const NO_CONTENT: unique symbol = Symbol('Ideris 204 No Content');

/** What `authorized` answers when a lazily built body decided to send nothing. */
const NOT_SENT = Symbol('not sent');

function httpError(path: string, response: Response, text: string): IderisApiError {
  const retryAfter = Number(response.headers.get('retry-after'));
  return new IderisApiError({
    kind: iderisErrorKindForStatus(response.status),
    path,
    httpStatus: response.status,
    detail: iderisErrorDetail(text),
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  });
}

function urlAnswerError(path: string, url: string, response: Response, bytes: number): IderisApiError {
  const { status } = response;
  const summary = answerSummary(response, bytes);
  if (status >= 300 && status <= 399) {
    return new NotificationUrlError('url_rejected', path, `the URL answered a redirect (HTTP ${status}) to ${maskedLocation(response.headers.get('location'), url)}; a receiving URL is posted to as it is, never redirected: set the URL it points to`, status);
  }
  if (status === 401 || status === 403) return new NotificationUrlError('url_unauthorised', path, `the URL refused the hub (HTTP ${status}): the URL may be outdated or revoked; ask Ideris support for the current one`, status);
  if (status === 404 || status === 410) return new NotificationUrlError('url_rejected', path, `the URL does not exist at its host (HTTP ${status}): check it against the one Ideris support gave`, status);
  const retryAfter = Number(response.headers.get('retry-after'));
  return new IderisApiError({ kind: iderisErrorKindForStatus(status), path, httpStatus: status, detail: summary, retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined });
}

function parseJson(path: string, text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error: unknown) {
    throw new IderisApiError({ kind: 'transient', path, detail: 'malformed JSON body', cause: error });
  }
}

function objOf(body: unknown): unknown {
  return isRecord(body) ? body['obj'] : undefined;
}

/** `statusId` is repeated (`statusId=1&statusId=2`), not comma-joined. */
function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** 429 pauses the account for Retry-After (or 10 s); it is never a job's failure. */
export function iderisBlockOf(error: unknown): { pauseMs: number; reason: string } | undefined {
  if (!(error instanceof IderisApiError) || error.kind !== 'rate-limited') return undefined;
  return { pauseMs: (error.retryAfterSeconds ?? 10) * 1000, reason: 'Ideris: 429 too many calls' };
}
