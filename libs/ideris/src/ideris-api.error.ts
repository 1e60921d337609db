export type IderisErrorKind = 'auth' | 'rate-limited' | 'not-found' | 'transient' | 'validation' | 'request';

export interface IderisApiErrorDetails {
  kind: IderisErrorKind;
  path: string;
  httpStatus?: number;
  /** Server text, e.g. ASP.NET's `Message` or a .NET exception message quoting a bad value. */
  detail?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class IderisApiError extends Error {
  readonly kind: IderisErrorKind;
  readonly path: string;
  readonly httpStatus?: number;
  readonly detail?: string;
  readonly retryAfterSeconds?: number;

  constructor(details: IderisApiErrorDetails) {
    super(`Ideris ${details.path}: ${details.kind}${details.httpStatus ? ` (HTTP ${details.httpStatus})` : ''}${details.detail ? `: ${details.detail}` : ''}`, {
      cause: details.cause,
    });
    this.name = 'IderisApiError';
    this.kind = details.kind;
    this.path = details.path;
    this.httpStatus = details.httpStatus;
    this.detail = details.detail;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'transient';
  }
}

export function iderisErrorKindForStatus(status: number): IderisErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status === 400 || status === 409 || status === 422) return 'validation';
  if (status === 408 || status >= 500) return 'transient';
  return 'request';
}

/** Pulls a human message out of the error bodies seen: ASP.NET `{Message, ExceptionMessage}`, `{message}`, a bare string. */
export function iderisErrorDetail(text: string): string | undefined {
  if (!text.trim()) return undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'string') return body;
    if (typeof body === 'object' && body !== null) {
      const record = body as Record<string, unknown>;
      for (const key of ['ExceptionMessage', 'Message', 'message']) {
        if (typeof record[key] === 'string') return record[key];
      }
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 500);
}
