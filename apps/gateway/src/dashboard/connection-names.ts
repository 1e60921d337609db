import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ConnectionFacts {
  id: string;
  name: string;
  cnpj: string | null;
  situation: string;
  flows: Record<string, boolean | undefined>;
  activeSince: string | null;
}

/** The gateway's own connection table, read for the dashboard (names, CNPJs, situations, per-flow switches). */
@Injectable()
export class ConnectionNames {
  constructor(private readonly dataSource: DataSource) {}

  async all(): Promise<ConnectionFacts[]> {
    const found: { id: string; name: string; cnpj: string | null; situation: string; settings: Record<string, unknown>; verified_at: string | null; updated_at: Date }[] =
      await this.dataSource.query(`SELECT id, name, cnpj, situation, settings, last_verification->>'at' AS verified_at, updated_at FROM connection ORDER BY lower(name), id`);
    return found.map((c) => ({
      id: c.id,
      name: c.name,
      cnpj: c.cnpj,
      situation: c.situation,
      flows: (c.settings?.['flows'] as Record<string, boolean | undefined>) ?? {},
      activeSince: c.verified_at ?? new Date(c.updated_at).toISOString(),
    }));
  }

  async names(): Promise<Map<string, string>> {
    const found: { id: string; name: string }[] = await this.dataSource.query('SELECT id, name FROM connection');
    return new Map(found.map((c) => [c.id, c.name]));
  }

  /** Connections whose name contains `q` or whose CNPJ holds its digits. */
  async search(q: string): Promise<{ id: string; name: string; cnpj: string | null }[]> {
    const digits = q.replace(/\D/g, '');
    return this.dataSource.query(
      `SELECT id, name, cnpj FROM connection WHERE name ILIKE '%' || $1 || '%' OR ($2 <> '' AND length($2) >= 8 AND regexp_replace(coalesce(cnpj, ''), '\\D', '', 'g') LIKE '%' || $2 || '%') OR id::text = $1 ORDER BY name LIMIT 20`,
      [q.replace(/[\\%_]/g, (c) => `\\${c}`), digits],
    );
  }
}
