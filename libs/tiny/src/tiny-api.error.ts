export type TinyErrorKind =
  | 'auth'
  | 'rate-limited'
  | 'concurrency-limited'
  | 'validation'
  | 'not-found'
  | 'duplicate'
  | 'transient'
  | 'maintenance'
  | 'empty'
  | 'request';

export interface TinyErrorMessage {
  erro: string;
  campo?: string;
}

/** One failed `registro` of a write answer, with the kind its own code gives. */
export interface TinyRecordError {
  sequence: number;
  kind: TinyErrorKind;
  code?: number;
  messages: TinyErrorMessage[];
}

export interface TinyApiErrorDetails {
  kind: TinyErrorKind;
  script: string;
  code?: number;
  messages?: TinyErrorMessage[];
  httpStatus?: number;
  /** A batch whose every record failed: the raw `registros`, one per record (read by `failedBatchRecords`). */
  registros?: unknown;
  /** Every failed `registro` of the answer (empty when the failure is the envelope's own). */
  recordErrors?: TinyRecordError[];
  cause?: unknown;
}

/** Every failure of a Tiny call, business or transport, as one value whose `kind` drives retry policy. */
export class TinyApiError extends Error {
  readonly kind: TinyErrorKind;
  readonly script: string;
  readonly code?: number;
  readonly messages: TinyErrorMessage[];
  readonly httpStatus?: number;
  readonly registros?: unknown;
  readonly recordErrors: TinyRecordError[];

  constructor(details: TinyApiErrorDetails) {
    const text = details.messages?.map((message) => message.erro).join('; ');
    super(`Tiny ${details.script}: ${details.kind}${details.code !== undefined ? ` (code ${details.code})` : ''}${text ? `: ${text}` : ''}`, {
      cause: details.cause,
    });
    this.name = 'TinyApiError';
    this.kind = details.kind;
    this.script = details.script;
    this.code = details.code;
    this.messages = details.messages ?? [];
    this.httpStatus = details.httpStatus;
    this.registros = details.registros;
    this.recordErrors = details.recordErrors ?? [];
  }

  /** Blocks (6/11), unexpected errors (35) and maintenance (99) succeed later without any change. */
  get retryable(): boolean {
    return ['rate-limited', 'concurrency-limited', 'transient', 'maintenance'].includes(this.kind);
  }
}

const KIND_BY_CODE: Record<number, TinyErrorKind> = {
  1: 'auth',
  2: 'auth',
  3: 'request',
  4: 'request',
  5: 'auth',
  6: 'rate-limited',
  7: 'request',
  8: 'auth',
  9: 'validation',
  10: 'validation',
  11: 'concurrency-limited',
  20: 'empty',
  21: 'request',
  22: 'request',
  23: 'empty',
  30: 'duplicate',
  31: 'validation',
  32: 'not-found',
  33: 'duplicate',
  34: 'validation',
  35: 'transient',
  99: 'maintenance',
};

export function tinyErrorKindForCode(code: number): TinyErrorKind {
  return KIND_BY_CODE[code] ?? 'request';
}
