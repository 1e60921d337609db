import type { Request } from 'express';

/**
 * Tiny reads parameters from the query string and from a form body alike; the body wins on conflicts. Some
 * clients post a JSON body instead (e.g. `{"precos":[…]}` to produto.atualizar.precos): its structured
 * values are kept as JSON text, the form a field holding a document would have.
 */
export function mergedParams(req: Request): Record<string, string> {
  const params: Record<string, string> = {};
  collect(req.query, params);
  if (isRecord(req.body)) {
    collect(req.body, params);
    if (req.is('application/json')) {
      for (const [key, value] of Object.entries(req.body)) {
        if (typeof value === 'object' && value !== null) params[key] = JSON.stringify(value);
        else if (typeof value === 'number') params[key] = String(value);
      }
    }
  }
  return params;
}

function collect(source: unknown, into: Record<string, string>): void {
  if (!isRecord(source)) return;
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'string') into[key] = value;
    else if (Array.isArray(value) && typeof value[value.length - 1] === 'string') into[key] = value[value.length - 1] as string;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
