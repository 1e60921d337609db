/** An HTTP answer the Ideris emulation gives instead of a success (401, 404, 429, 500…). */
export class IderisHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`Ideris sandbox answer ${status}`);
  }
}

// ASP.NET Web API's default text; one v3 client matches on it.
export const IDERIS_UNAUTHORIZED_BODY = { Message: 'Authorization has been denied for this request.' };

export function iderisUnauthorized(): IderisHttpError {
  return new IderisHttpError(401, IDERIS_UNAUTHORIZED_BODY);
}
