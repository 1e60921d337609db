import { FLOWS, FLOW_OWNERS, WORKER_SERVICES, type FlowName, type WorkerService } from '@hub/contracts';

export interface DecodedRef {
  flow: FlowName;
  connectionId: string | null;
  key: string;
}

const NO_CONNECTION = '_';

/** `<flow>~<connectionId or _>~<key>`, the key URI-encoded so the ref stays URL-safe and splits on `~` only. */
export function encodeRef(flow: FlowName, connectionId: string | null, key: string): string {
  // encodeURIComponent leaves `~` as it is: encoded here so a key holding one still splits in three.
  return `${flow}~${connectionId ?? NO_CONNECTION}~${encodeURIComponent(key).replace(/~/g, '%7E')}`;
}

export function decodeRef(ref: string): DecodedRef | undefined {
  const parts = ref.split('~');
  if (parts.length !== 3) return undefined;
  const [flow, connection, key] = parts as [string, string, string];
  if (!(FLOWS as readonly string[]).includes(flow) || !key) return undefined;
  try {
    return { flow: flow as FlowName, connectionId: connection === NO_CONNECTION ? null : connection, key: decodeURIComponent(key) };
  } catch {
    return undefined;
  }
}

/** A parked message's key names its service: `<service>:<parked id>`. */
export function parkedMessageKey(service: WorkerService, id: string): string {
  return `${service}:${id}`;
}

/** The service that answers for a ref: the flow's owner, or the service named in a parked message's key. */
export function serviceOfRef(ref: DecodedRef): WorkerService | undefined {
  if (ref.flow !== 'messages') return FLOW_OWNERS[ref.flow];
  const service = ref.key.split(':')[0];
  return (WORKER_SERVICES as readonly string[]).includes(service ?? '') ? (service as WorkerService) : undefined;
}
