import { Inject, Injectable } from '@nestjs/common';
import { CallStatsStore } from '../common/call-stats.store';
import { FaultStore, sleep } from '../common/fault.store';
import { SANDBOX_CONFIG, type SandboxConfig } from '../sandbox.config';
import type { IderisAccount } from './ideris-account.store';
import { IderisAuthService } from './ideris-auth.service';
import { IderisHttpError } from './ideris-http.error';

export interface IderisAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** What a handler returns for Ideris's 204 No Content (its "not found"). */
export const NO_CONTENT: unique symbol = Symbol('204 No Content');

@Injectable()
export class IderisCallService {
  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly auth: IderisAuthService,
    private readonly stats: CallStatsStore,
    private readonly faults: FaultStore,
  ) {}

  /** Bearer check, per-minute limit, faults and call accounting around one v3 endpoint. */
  async run(endpoint: string, authorization: string | undefined, handler: (account: IderisAccount) => unknown): Promise<IderisAnswer> {
    let account: IderisAccount;
    try {
      account = this.auth.authenticate(authorization);
    } catch (error: unknown) {
      return toAnswer(error);
    }
    const now = this.config.now();
    if (!account.window.tryAcquire(now, account.limitPerMinute, endpoint)) {
      this.stats.record('ideris', account.privateKey, endpoint, 'blocked', now, () => account.window.held(now));
      const retryAfter = Math.max(1, Math.ceil(account.window.msUntilFree(now, account.limitPerMinute) / 1000));
      // ASSUMPTION (docs/contracts.md#ideris-errors): no rate-limit body or header is known for v3; this is AspNetCoreRateLimit's default answer.
      return {
        status: 429,
        body: `API calls quota exceeded! maximum admitted ${account.limitPerMinute} per 1m.`,
        headers: { 'retry-after': String(retryAfter) },
      };
    }
    const answer = await this.invoke(account, endpoint, handler);
    const outcome = answer.status === 429 ? 'blocked' : answer.status < 400 ? 'ok' : 'error';
    this.stats.record('ideris', account.privateKey, endpoint, outcome, now);
    return answer;
  }

  private async invoke(account: IderisAccount, endpoint: string, handler: (account: IderisAccount) => unknown): Promise<IderisAnswer> {
    const fault = this.faults.take('ideris', account.privateKey, endpoint);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.httpStatus === 429) return { status: 429, body: 'API calls quota exceeded!', headers: { 'retry-after': '1' } };
    if (fault?.httpStatus) return { status: fault.httpStatus, body: { Message: 'An error has occurred.' }, headers: {} };
    try {
      const body = handler(account);
      return body === NO_CONTENT ? { status: 204, body: undefined, headers: {} } : { status: 200, body, headers: {} };
    } catch (error: unknown) {
      return toAnswer(error);
    }
  }
}

function toAnswer(error: unknown): IderisAnswer {
  if (error instanceof IderisHttpError) return { status: error.status, body: error.body, headers: error.headers };
  throw error;
}
