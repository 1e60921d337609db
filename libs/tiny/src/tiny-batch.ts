import { TinyApiError, tinyErrorKindForCode, type TinyErrorKind, type TinyErrorMessage } from './tiny-api.error';
import { parseRegistros, registroFailed, type TinyEnvelope } from './tiny-envelope.parser';

/** Official: at most 20 records per submission of a batch service. */
export const TINY_MAX_BATCH_RECORDS = 20;

export interface TinyBatchRecordResult {
  sequence: number;
  ok: boolean;
  id?: string;
  kind?: TinyErrorKind;
  code?: number;
  messages: TinyErrorMessage[];
  fields: Record<string, unknown>;
}

/**
 * A batch answers one registro per record; an answer whose records all succeeded is read here (one with a
 * failed record throws: use `batchResultsOf`).
 */
export function toBatchResults(envelope: TinyEnvelope): TinyBatchRecordResult[] {
  return registrosToResults(envelope.retorno['registros']);
}

/**
 * The per-record outcomes of a batch whose every record failed (the call threw with the first record's code), or
 * undefined when the error is not such a batch answer (a block, a transport error, a malformed request).
 */
export function failedBatchRecords(error: unknown): TinyBatchRecordResult[] | undefined {
  if (!(error instanceof TinyApiError) || error.registros === undefined) return undefined;
  const results = registrosToResults(error.registros);
  return results.length > 0 ? results : undefined;
}

/**
 * The per-record outcomes of a batch call: a mixed or all-failed answer throws (any failed registro fails the
 * call, see assertTinyOk), and for a batch that error is read back as one result per record.
 */
export async function batchResultsOf(call: Promise<TinyEnvelope>, options: { throwWhenAllFail?: boolean } = {}): Promise<TinyBatchRecordResult[]> {
  try {
    return toBatchResults(await call);
  } catch (error: unknown) {
    const records = failedBatchRecords(error);
    if (!records || (options.throwWhenAllFail && records.every((record) => !record.ok))) throw error;
    // A block or an outage of the whole call (6/11/35/99) names no record's own fault: retried, not parked record
    // by record; only when some record went through is it read per record (retrying would write those twice).
    if (retryableForTheWholeCall(error as TinyApiError) && records.every((record) => !record.ok)) throw error;
    return records.map((record) => (record.ok || record.code !== undefined || !(error as TinyApiError).retryable ? record : { ...record, kind: (error as TinyApiError).kind }));
  }
}

/** The error's kind comes from the envelope's own code, not from one of the records'. */
function retryableForTheWholeCall(error: TinyApiError): boolean {
  return error.retryable && !error.recordErrors.some((record) => record.code !== undefined && record.code === error.code);
}

function registrosToResults(registros: unknown): TinyBatchRecordResult[] {
  return parseRegistros(registros).map((registro, index) => {
    const ok = !registroFailed(registro);
    return {
      sequence: registro.sequencia ?? index + 1,
      ok,
      id: ok ? registro.id : undefined,
      kind: ok ? undefined : registro.codigoErro !== undefined ? tinyErrorKindForCode(registro.codigoErro) : 'validation',
      code: registro.codigoErro,
      messages: registro.erros,
      fields: registro.fields,
    };
  });
}

/** Refuses oversized batches before spending one of the 5 batch calls a minute on a certain code 22. */
export function assertBatchSize(script: string, count: number): void {
  if (count === 0) throw new TinyApiError({ kind: 'request', script, messages: [{ erro: 'empty batch' }] });
  if (count > TINY_MAX_BATCH_RECORDS) {
    throw new TinyApiError({ kind: 'request', script, code: 22, messages: [{ erro: `batch of ${count} records; Tiny takes at most ${TINY_MAX_BATCH_RECORDS}` }] });
  }
}

export function chunkForTinyBatch<T>(records: T[]): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < records.length; index += TINY_MAX_BATCH_RECORDS) chunks.push(records.slice(index, index + TINY_MAX_BATCH_RECORDS));
  return chunks;
}
