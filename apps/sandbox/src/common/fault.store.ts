import { Injectable } from '@nestjs/common';
import type { ApiSystem } from './call-stats.store';

export interface FaultSpec {
  system: ApiSystem;
  /** Tiny token or Ideris private key; absent = every account. */
  account?: string;
  /** Tiny script without `.php` (e.g. `info`) or Ideris route (e.g. `order/search`); absent = every endpoint. */
  endpoint?: string;
  latencyMs?: number;
  httpStatus?: number;
  tinyCodigoErro?: number;
  /** Tiny only: the call is processed (an order is created) and then the connection is cut before the answer. */
  commitThenDrop?: boolean;
  /** How many matching calls the fault applies to; absent = until cleared. */
  times?: number;
  /** Matching calls to let through before the fault starts (e.g. fail only the second page). */
  skip?: number;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  applied: number;
  skipped: number;
}

@Injectable()
export class FaultStore {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: this.nextId++, applied: 0, skipped: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): ActiveFault[] {
    return [...this.faults];
  }

  /** Returns the first matching fault and counts it as applied (expiring it once `times` is reached). */
  take(system: ApiSystem, account: string, endpoint: string): ActiveFault | undefined {
    const fault = this.faults.find(
      (candidate) =>
        candidate.system === system &&
        (candidate.account === undefined || candidate.account === account) &&
        (candidate.endpoint === undefined || candidate.endpoint === endpoint),
    );
    if (!fault) return undefined;
    if (fault.skipped < (fault.skip ?? 0)) {
      fault.skipped += 1;
      return undefined;
    }
    fault.applied += 1;
    if (fault.times !== undefined && fault.applied >= fault.times) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
