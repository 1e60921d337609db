import type { ServiceName } from '../messaging/consumers';

/**
 * Core NATS request/reply subjects (Nest's NATS transport). Kept under `rpc.` so no JetStream stream
 * ever captures them. Only for queries and commands the caller can safely repeat.
 */
export const RpcSubjects = {
  parkedList: (service: ServiceName) => `rpc.${service}.parked-message.list.v1`,
  parkedRedrive: (service: ServiceName) => `rpc.${service}.parked-message.redrive.v1`,
} as const;

export interface ParkedMessageListQuery {
  consumer?: string;
  limit?: number;
  includeRedriven?: boolean;
}

export interface ParkedMessageView {
  id: string;
  consumer: string;
  stream: string;
  subject: string;
  streamSequence: number;
  messageId: string;
  connectionId: string | null;
  correlationId: string | null;
  headers: Record<string, string[]>;
  data: string;
  error: string;
  errorKind: string;
  attempts: number;
  parkedAt: string;
  redrivenAt: string | null;
  redriveCount: number;
}

export interface RedriveCommand {
  id: string;
}

export interface RedriveResult {
  id: string;
  redriven: boolean;
  reason?: string;
}
