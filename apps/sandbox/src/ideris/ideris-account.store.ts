import { Injectable } from '@nestjs/common';
import { SlidingMinuteWindow } from '../common/sliding-minute-window';

export interface IderisAccountInput {
  privateKey: string;
  limitPerMinute?: number;
  tokenTtlSeconds?: number;
}

export interface IderisAccount {
  privateKey: string;
  privateKeyId: string;
  limitPerMinute: number;
  tokenTtlSeconds?: number;
  /** jti of every JWT still honoured; revoking clears it. */
  liveTokens: Set<string>;
  logins: number;
  window: SlidingMinuteWindow;
}

export const DEFAULT_IDERIS_LIMIT_PER_MINUTE = 50;

@Injectable()
export class IderisAccountStore {
  private readonly byKey = new Map<string, IderisAccount>();
  private nextKeyId = 1001;

  upsert(input: IderisAccountInput): IderisAccount {
    const existing = this.byKey.get(input.privateKey);
    const account: IderisAccount = {
      privateKey: input.privateKey,
      privateKeyId: existing?.privateKeyId ?? String(this.nextKeyId++),
      limitPerMinute: input.limitPerMinute ?? DEFAULT_IDERIS_LIMIT_PER_MINUTE,
      tokenTtlSeconds: input.tokenTtlSeconds,
      liveTokens: existing?.liveTokens ?? new Set(),
      logins: existing?.logins ?? 0,
      window: existing?.window ?? new SlidingMinuteWindow(),
    };
    this.byKey.set(input.privateKey, account);
    return account;
  }

  findByKey(privateKey: string): IderisAccount | undefined {
    return this.byKey.get(privateKey);
  }

  findByKeyId(privateKeyId: string): IderisAccount | undefined {
    return [...this.byKey.values()].find((account) => account.privateKeyId === privateKeyId);
  }

  list(): IderisAccount[] {
    return [...this.byKey.values()];
  }

  reset(): void {
    this.byKey.clear();
  }
}
