import { Inject, Injectable } from '@nestjs/common';
import { CallStatsStore, type CallOutcome } from '../common/call-stats.store';
import { FaultStore, sleep } from '../common/fault.store';
import { SANDBOX_CONFIG, type SandboxConfig } from '../sandbox.config';
import { TINY_BATCH_LIMIT_PER_MINUTE, TinyAccountStore, tinyConcurrencyCap, type TinyAccount } from './tiny-account.store';
import { TinyAccountScripts } from './tiny-account.scripts';
import { TinyContactScripts } from './tiny-contact.scripts';
import { TinyExpeditionScripts } from './tiny-expedition.scripts';
import { TinyFiscalScripts } from './tiny-fiscal.scripts';
import { TinyOrderScripts } from './tiny-order.scripts';
import { TinyProductScripts } from './tiny-product.scripts';
import { TINY_MESSAGES, TinyBusinessError, tinyBlocked, tinyError, type TinyRetornoBody } from './tiny-retorno';
import { shapedRetorno } from './tiny-wire-shapes';
import { normaliseScriptName, type TinyScript, type TinyScriptMap } from './tiny-script';

export type TinyHttpAnswer =
  | { kind: 'json'; status: number; headers: Record<string, string>; body: TinyRetornoBody }
  | { kind: 'raw'; status: number; headers: Record<string, string>; body: string; contentType: string }
  /** The call was processed (committed) but the connection is cut before the answer: the outcome is unknown to the caller. */
  | { kind: 'drop'; status: number; headers: Record<string, string> };

const NOT_FOUND_PAGE = '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>File not found.</p></body></html>';

@Injectable()
export class TinyCallService {
  private readonly scripts: TinyScriptMap;

  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly accounts: TinyAccountStore,
    private readonly stats: CallStatsStore,
    private readonly faults: FaultStore,
    accountScripts: TinyAccountScripts,
    orderScripts: TinyOrderScripts,
    productScripts: TinyProductScripts,
    contactScripts: TinyContactScripts,
    fiscalScripts: TinyFiscalScripts,
    expeditionScripts: TinyExpeditionScripts,
  ) {
    this.scripts = {
      ...accountScripts.scripts(),
      ...orderScripts.scripts(),
      ...productScripts.scripts(),
      ...contactScripts.scripts(),
      ...fiscalScripts.scripts(),
      ...expeditionScripts.scripts(),
    };
  }

  async call(rawScript: string, params: Record<string, string>): Promise<TinyHttpAnswer> {
    const name = normaliseScriptName(rawScript);
    const script = this.scripts[name];
    if (!script) return { kind: 'raw', status: 404, headers: {}, body: NOT_FOUND_PAGE, contentType: 'text/html' };

    const token = params['token'];
    if (!token) return json({}, tinyError(1, [TINY_MESSAGES[1]], 1));
    const account = this.accounts.find(token);
    if (!account) return json({}, tinyError(2, [TINY_MESSAGES[2]], 1));

    const headers = { 'x-limit-api': String(account.limitPerMinute) };
    const now = this.config.now();
    const block = this.admit(account, script, now, name);
    if (block) {
      this.stats.record('tiny', token, name, 'blocked', now, () => [{ agoMs: 0, tag: `codigo_erro ${block}, ${account.inFlight} in flight` }, ...account.window.held(now)]);
      return withShapes(json(headers, tinyBlocked(block)), account);
    }

    account.inFlight += 1;
    try {
      const answer = withShapes(await this.run(account, name, script, params, now), account);
      this.stats.record('tiny', token, name, outcomeOf(answer), now);
      return { ...answer, headers: { ...headers, ...answer.headers } };
    } finally {
      account.inFlight -= 1;
    }
  }

  /** Concurrency first (a call over the cap is refused without spending the minute), then the minute. */
  private admit(account: TinyAccount, script: TinyScript, now: number, name: string): 6 | 11 | undefined {
    if (account.inFlight >= tinyConcurrencyCap(account)) return 11;
    if (script.batch && account.batchWindow.count(now) >= TINY_BATCH_LIMIT_PER_MINUTE) return 6;
    if (!account.window.tryAcquire(now, account.limitPerMinute, name)) return 6;
    if (script.batch) account.batchWindow.tryAcquire(now, TINY_BATCH_LIMIT_PER_MINUTE);
    return undefined;
  }

  private async run(
    account: TinyAccount,
    name: string,
    script: TinyScript,
    params: Record<string, string>,
    now: number,
  ): Promise<TinyHttpAnswer> {
    const fault = this.faults.take('tiny', account.token, name);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.httpStatus) {
      return { kind: 'raw', status: fault.httpStatus, headers: {}, body: '<html><body>Service Unavailable</body></html>', contentType: 'text/html' };
    }
    if (fault?.malformedBody) {
      // A body cut short (seen in the wild as an intermittent empty or non-JSON answer).
      return { kind: 'raw', status: 200, headers: {}, body: '{"retorno":{"status_processamento":3,"status":"OK","registros":', contentType: 'application/json' };
    }
    if (fault?.tinyCodigoErro) {
      const code = fault.tinyCodigoErro;
      return json({}, code === 6 || code === 11 ? tinyBlocked(code) : tinyError(code, [TINY_MESSAGES[code] ?? 'Erro'], 1));
    }
    try {
      const result = await script.handle({ account, params, now });
      if (fault?.commitThenDrop) return { kind: 'drop', status: 0, headers: {} };
      if ('raw' in result) return { kind: 'raw', status: 200, headers: {}, body: result.raw, contentType: result.contentType };
      return json({}, result);
    } catch (error: unknown) {
      if (error instanceof TinyBusinessError) return json({}, tinyError(error.codigo, error.messages, error.statusProcessamento));
      throw error;
    }
  }
}

/** Injected 6/11 answers count as blocks too, so benchmarks see every block the clients saw. */
function outcomeOf(answer: TinyHttpAnswer): CallOutcome {
  if (answer.kind === 'drop') return 'ok';
  if (answer.kind === 'raw') return answer.status === 200 && !answer.body.includes('<status>Erro</status>') ? 'ok' : 'error';
  const code = String(answer.body.retorno['codigo_erro'] ?? '');
  if (code === '6' || code === '11') return 'blocked';
  const processing = String(answer.body.retorno['status_processamento'] ?? '');
  return answer.body.retorno['status'] === 'OK' && processing !== '1' && processing !== '2' ? 'ok' : 'error';
}

function withShapes(answer: TinyHttpAnswer, account: TinyAccount): TinyHttpAnswer {
  if (answer.kind !== 'json') return answer;
  return { ...answer, body: { retorno: shapedRetorno(answer.body.retorno, account.shapes) } };
}

function json(headers: Record<string, string>, body: TinyRetornoBody): TinyHttpAnswer {
  return { kind: 'json', status: 200, headers, body };
}
