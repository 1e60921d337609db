import { headers as createHeaders, type MsgHdrs } from '@nats-io/transport-node';

export function headersToRecord(headers: MsgHdrs | undefined): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  if (!headers) return record;
  for (const [key, values] of headers) record[key] = [...values];
  return record;
}

export function recordToHeaders(record: Record<string, string[]>): MsgHdrs {
  const h = createHeaders();
  for (const [key, values] of Object.entries(record)) for (const v of values) h.append(key, v);
  return h;
}

export { createHeaders };
