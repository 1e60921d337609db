import { Injectable } from '@nestjs/common';
import { SlidingMinuteWindow } from '../common/sliding-minute-window';
import { DEFAULT_TINY_WIRE_SHAPES, type TinyWireShapes } from './tiny-wire-shapes';

export interface TinyAccountInput {
  token: string;
  cnpj: string;
  razaoSocial?: string;
  email?: string;
  limitPerMinute?: number;
}

export interface TinyAccount {
  token: string;
  cnpj: string;
  razaoSocial: string;
  email: string;
  limitPerMinute: number;
  inFlight: number;
  window: SlidingMinuteWindow;
  /** Separate 5/min bucket for produto/contato/tag incluir/alterar (official "batch" services). */
  batchWindow: SlidingMinuteWindow;
  /** Which of the observed forms this account answers and notifies in (`POST /control/tiny/shapes`). */
  shapes: TinyWireShapes;
}

export const DEFAULT_TINY_LIMIT_PER_MINUTE = 60;
export const TINY_BATCH_LIMIT_PER_MINUTE = 5;

@Injectable()
export class TinyAccountStore {
  private readonly accounts = new Map<string, TinyAccount>();

  upsert(input: TinyAccountInput): TinyAccount {
    const existing = this.accounts.get(input.token);
    const account: TinyAccount = {
      token: input.token,
      cnpj: input.cnpj,
      razaoSocial: input.razaoSocial ?? `Empresa ${input.cnpj}`,
      email: input.email ?? `contato+${input.cnpj.replace(/\D/g, '')}@example.com`,
      limitPerMinute: input.limitPerMinute ?? DEFAULT_TINY_LIMIT_PER_MINUTE,
      inFlight: existing?.inFlight ?? 0,
      window: existing?.window ?? new SlidingMinuteWindow(),
      batchWindow: existing?.batchWindow ?? new SlidingMinuteWindow(),
      shapes: existing?.shapes ?? { ...DEFAULT_TINY_WIRE_SHAPES },
    };
    this.accounts.set(input.token, account);
    return account;
  }

  find(token: string): TinyAccount | undefined {
    return this.accounts.get(token);
  }

  list(): TinyAccount[] {
    return [...this.accounts.values()];
  }

  reset(): void {
    this.accounts.clear();
  }
}

/** Official rule of thumb: at most a quarter of the per-minute limit may run at the same time. */
export function tinyConcurrencyCap(account: TinyAccount): number {
  return Math.max(1, Math.floor(account.limitPerMinute / 4));
}
