/** CSV as Excel in Brazil opens it: `;` separated, CRLF, a BOM so accents survive, quotes when needed. */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[";\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T>(columns: CsvColumn<T>[], rows: T[]): string {
  const lines = [columns.map((c) => cell(c.header)).join(';'), ...rows.map((r) => columns.map((c) => cell(c.value(r))).join(';'))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Reads every page of a server list (500 at a time) so an export holds the whole filter, not one page. */
export async function fetchAllPages<T>(fetchPage: (limit: number, offset: number) => Promise<{ total: number; items: T[] }>, max = 20_000): Promise<T[]> {
  const all: T[] = [];
  for (let offset = 0; offset < max; offset += 500) {
    const page = await fetchPage(Math.min(500, max - offset), offset);
    all.push(...page.items);
    if (page.items.length < 500 || all.length >= page.total) break;
  }
  return all;
}

export function downloadCsv(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
