import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { WORKER_SERVICES, type RpcFailure, type WorkerService } from '@hub/contracts';
import { RPC_CLIENT } from '../admin/rpc-client';

/** How long the dashboard waits for each service before answering without it (`partial`). */
export const FANOUT_DEADLINE_MS = 3_000;

export interface FanoutAnswer<T> {
  answers: { service: WorkerService; answer: T }[];
  /** Services that did not answer in time (or answered an error): the page is shown without them. */
  partial: WorkerService[];
}

/** Asks several services the same question in parallel, each with the same deadline. */
@Injectable()
export class WorkFanout {
  private readonly logger = new Logger(WorkFanout.name);

  constructor(@Inject(RPC_CLIENT) private readonly rpc: ClientProxy) {}

  async ask<T>(subject: (service: WorkerService) => string, data: object, services: readonly WorkerService[] = WORKER_SERVICES, deadlineMs = FANOUT_DEADLINE_MS): Promise<FanoutAnswer<T>> {
    const settled = await Promise.all(
      services.map(async (service) => {
        try {
          const answer = await firstValueFrom(this.rpc.send<T | RpcFailure>(subject(service), data).pipe(timeout(deadlineMs)));
          if (answer && typeof answer === 'object' && 'error' in answer) throw new Error((answer as RpcFailure).error?.message ?? 'error');
          return { service, answer: answer as T };
        } catch (error) {
          this.logger.warn({ msg: 'a service did not answer the dashboard', service, subject: subject(service), err: (error as Error).message });
          return { service, answer: undefined };
        }
      }),
    );
    return {
      answers: settled.filter((s): s is { service: WorkerService; answer: T } => s.answer !== undefined),
      partial: settled.filter((s) => s.answer === undefined).map((s) => s.service),
    };
  }
}
