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
  /** With a 3xx `httpStatus`: the `Location` answered (the Ideris notification URLs only). */
  location?: string;
  tinyCodigoErro?: number;
  /** Tiny only: answers 200 with a JSON body cut short. */
  malformedBody?: boolean;
  /** Tiny only: the call is processed (an order is created) and then the connection is cut before the answer. */
  commitThenDrop?: boolean;
  /** How many matching calls the fault applies to; absent = until cleared. */
  times?: number;
  /** Matching calls to let through before the fault starts (e.g. fail only the second page). */
  skip?: number;
  /** Fires on every n-th matching call after `skip` (spreads a fault rate over a peak); default 1. */
  every?: number;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  applied: number;
  skipped: number;
  /** Matching calls seen since `skip` was used up. */
  seen?: number;
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

  /**
   * Counts the call against every matching fault and returns the first that fires: after its `skip`, on every
   * `every`-th matching call (default each), until it has fired `times` times.
   */
  take(system: ApiSystem, account: string, endpoint: string): ActiveFault | undefined {
    let fired: ActiveFault | undefined;
    for (const fault of this.faults) {
      const matches =
        fault.system === system && (fault.account === undefined || fault.account === account) && (fault.endpoint === undefined || fault.endpoint === endpoint);
      if (!matches) continue;
      if (fault.skipped < (fault.skip ?? 0)) {
        fault.skipped += 1;
        continue;
      }
      fault.seen = (fault.seen ?? 0) + 1;
      if (fired || (fault.seen - 1) % (fault.every ?? 1) !== 0) continue;
      fault.applied += 1;
      fired = fault;
    }
    this.faults = this.faults.filter((f) => f.times === undefined || f.applied < f.times);
    return fired;
  }

  clear(): void {
    this.faults = [];
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
