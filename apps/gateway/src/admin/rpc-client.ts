import { HttpException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { RpcFailure } from '@hub/contracts';

export const RPC_CLIENT = Symbol('RPC_CLIENT');

/** Asks a service over NATS request/reply; `{error}` answers become HTTP errors with the service's reason. */
@Injectable()
export class ServiceRpc {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: ClientProxy) {}

  async ask<T>(subject: string, data: object, timeoutMs = 10_000): Promise<T> {
    let answer: T | RpcFailure;
    try {
      answer = await firstValueFrom(this.rpc.send<T | RpcFailure>(subject, data).pipe(timeout(timeoutMs)));
    } catch (error) {
      // No answer (NATS down, the service down or failing): the admin call can be repeated, so 503 + Retry-After.
      throw new ServiceUnavailableException(`the service did not answer: ${(error as Error).message}`);
    }
    if (answer && typeof answer === 'object' && 'error' in answer && (answer as RpcFailure).error?.status) {
      const { status, message } = (answer as RpcFailure).error;
      throw new HttpException({ statusCode: status, message }, status);
    }
    return answer as T;
  }
}
