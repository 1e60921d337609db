import { describe, expect, it } from 'vitest';
import type { OverviewRow, WorkItemView } from '../api/views';
import { overviewCsv } from '../pages/Overview';
import { failuresCsv } from '../pages/Failures';
import { fetchAllPages, toCsv } from './csv';

describe('toCsv', () => {
  it('writes a BOM, ; separators, CRLF, and quotes cells with ; " or line breaks', () => {
    const text = toCsv([{ header: 'a', value: (r: { a: string }) => r.a }, { header: 'n', value: () => 1 }], [{ a: 'x;y' }, { a: 'say "hi"' }, { a: 'two\nlines' }, { a: '' }]);
    expect(text).toBe('\uFEFFa;n\r\n"x;y";1\r\n"say ""hi""";1\r\n"two\nlines";1\r\n;1\r\n');
  });

  it('exports the all-sellers table with its flows in pt-BR', () => {
    const row: OverviewRow = {
      id: 'c1',
      name: 'Loja A',
      cnpj: '12345678000195',
      situation: 'active',
      health: 'late',
      flows: { orders: { state: 'late', lastSuccessAt: '2026-12-02T11:48:00.000Z', lastAttemptAt: null, expectedEverySeconds: 60, failures: 2, pending: 1 } },
    };
    const [header, line] = toCsv(overviewCsv, [row]).slice(1).split('\r\n');
    expect(header.split(';').slice(0, 7)).toEqual(['conexão', 'cnpj', 'situação', 'saúde', 'Pedidos: estado', 'Pedidos: último sucesso', 'Pedidos: falhas']);
    expect(line.split(';').slice(0, 8)).toEqual(['Loja A', '12.345.678/0001-95', 'ativa', 'atrasada', 'late', '2026-12-02T11:48:00.000Z', '2', '']);
  });

  it('exports failures with the reason in words and the raw code next to it', () => {
    const item: WorkItemView = {
      ref: 'orders~c1~77',
      flow: 'orders',
      connectionId: 'c1',
      connectionName: 'Loja A',
      key: '77',
      status: 'waiting',
      outcome: 'needs_mapping',
      reasonCode: 'needs_mapping',
      reasonDetail: 'unknown SKU CAM-AZUL-M',
      attempts: 1,
      createdAt: '2026-12-02T10:00:00.000Z',
      updatedAt: '2026-12-02T10:01:00.000Z',
      nextCheckAt: null,
      refs: { iderisOrderId: 77, marketplaceOrderCode: 'MLB-2000001' },
    };
    const line = toCsv(failuresCsv, [item]).split('\r\n')[1].split(';');
    expect(line.slice(0, 11)).toEqual(['Loja A', 'Pedidos', '77', 'aguardando', 'needs_mapping', 'Anúncio ou SKU do marketplace sem de-para para um produto do Tiny', 'needs_mapping', 'unknown SKU CAM-AZUL-M', '1', '77', 'MLB-2000001']);
  });
});

describe('fetchAllPages', () => {
  it('reads 500 at a time until the total, so an export holds the whole filter', async () => {
    const asked: [number, number][] = [];
    const all = await fetchAllPages(async (limit, offset) => {
      asked.push([limit, offset]);
      const n = Math.max(0, Math.min(limit, 1203 - offset));
      return { total: 1203, items: Array.from({ length: n }, (_, i) => offset + i) };
    });
    expect(asked).toEqual([
      [500, 0],
      [500, 500],
      [500, 1000],
    ]);
    expect(all).toHaveLength(1203);
    expect(all[1202]).toBe(1202);
  });
});
