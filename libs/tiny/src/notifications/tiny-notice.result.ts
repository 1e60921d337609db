/** A notification's payload in the hub's terms, or why it cannot be used (the handler parks it with that reason). */
export type TinyNoticeResult<T> = { ok: true; notice: T } | { ok: false; reason: string };
