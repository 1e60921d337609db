import { Injectable } from '@nestjs/common';

export type ApiSystem = 'tiny' | 'ideris';

export type CallOutcome = 'ok' | 'error' | 'blocked';

export interface EndpointStats {
  calls: number;
  ok: number;
  errors: number;
  blocks: number;
}

export interface AccountStats {
  calls: number;
  blocks: number;
  /** Accepted calls per calendar minute (ISO minute → count), so a benchmark can check "no minute over the limit". */
  acceptedPerMinute: Record<string, number>;
  endpoints: Record<string, EndpointStats>;
  /** The first blocks' samples: when, on what, and the calls the limit's window held then (what a client spent). */
  blockSamples?: BlockSample[];
}

export interface BlockSample {
  at: string;
  endpoint: string;
  window: { agoMs: number; tag: string }[];
}

/** Blocks sampled per account (the rest only counted). */
const BLOCK_SAMPLES = 3;

@Injectable()
export class CallStatsStore {
  private stats: Record<ApiSystem, Map<string, AccountStats>> = { tiny: new Map(), ideris: new Map() };

  record(system: ApiSystem, account: string, endpoint: string, outcome: CallOutcome, at: number, window?: () => { agoMs: number; tag: string }[]): void {
    const accountStats = this.accountStats(system, account);
    const endpointStats = (accountStats.endpoints[endpoint] ??= { calls: 0, ok: 0, errors: 0, blocks: 0 });
    accountStats.calls += 1;
    endpointStats.calls += 1;
    if (outcome === 'blocked') {
      accountStats.blocks += 1;
      endpointStats.blocks += 1;
      if (window && (accountStats.blockSamples ??= []).length < BLOCK_SAMPLES) accountStats.blockSamples.push({ at: new Date(at).toISOString(), endpoint, window: window() });
      return;
    }
    if (outcome === 'ok') endpointStats.ok += 1;
    else endpointStats.errors += 1;
    const minute = new Date(at).toISOString().slice(0, 16);
    accountStats.acceptedPerMinute[minute] = (accountStats.acceptedPerMinute[minute] ?? 0) + 1;
  }

  snapshot(): Record<ApiSystem, Record<string, AccountStats>> {
    return {
      tiny: Object.fromEntries(this.stats.tiny),
      ideris: Object.fromEntries(this.stats.ideris),
    };
  }

  reset(): void {
    this.stats = { tiny: new Map(), ideris: new Map() };
  }

  private accountStats(system: ApiSystem, account: string): AccountStats {
    let accountStats = this.stats[system].get(account);
    if (!accountStats) {
      accountStats = { calls: 0, blocks: 0, acceptedPerMinute: {}, endpoints: {} };
      this.stats[system].set(account, accountStats);
    }
    return accountStats;
  }
}
