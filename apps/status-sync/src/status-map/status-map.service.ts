import { Injectable, Logger } from '@nestjs/common';
import type { StatusMapV1 } from '@hub/contracts';
import { IderisCatalogApi } from '@hub/ideris';
import { DataSource } from 'typeorm';
import { ConnectionClients } from '@hub/integrations';
import { defaultStatusMap } from './status-map';

export interface StoredStatusMap {
  map: StatusMapV1;
  source: 'default' | 'operator';
  updatedAt: string;
}

/**
 * Each connection's status map. The default is built once from the seller's Ideris status catalogue (one call)
 * and stored, so later decisions cost nothing; an operator's map replaces it.
 */
@Injectable()
export class StatusMapService {
  private readonly logger = new Logger(StatusMapService.name);

  constructor(private readonly dataSource: DataSource, private readonly clients: ConnectionClients) {}

  async get(connectionId: string): Promise<StoredStatusMap> {
    const stored = await this.stored(connectionId);
    if (stored) return stored;
    const { ideris, connection } = await this.clients.forActive(connectionId);
    const catalogue = await new IderisCatalogApi(ideris).listStatuses().catch((error: Error) => {
      this.logger.warn({ msg: 'Ideris status catalogue unreadable; default ids used for now', connectionId, err: error.message });
      return undefined;
    });
    const map = defaultStatusMap(catalogue ?? [], connection.settings.statusMap ?? {});
    if (!catalogue) return { map, source: 'default', updatedAt: new Date().toISOString() };
    await this.dataSource.query(`INSERT INTO status_map (connection_id, map, source) VALUES ($1, $2, 'default') ON CONFLICT DO NOTHING`, [connectionId, JSON.stringify(map)]);
    return (await this.stored(connectionId))!;
  }

  async put(connectionId: string, map: StatusMapV1): Promise<StoredStatusMap> {
    await this.dataSource.query(
      `INSERT INTO status_map (connection_id, map, source) VALUES ($1, $2, 'operator')
       ON CONFLICT (connection_id) DO UPDATE SET map = EXCLUDED.map, source = 'operator', updated_at = now()`,
      [connectionId, JSON.stringify(map)],
    );
    return (await this.stored(connectionId))!;
  }

  private async stored(connectionId: string): Promise<StoredStatusMap | undefined> {
    const rows: { map: StatusMapV1; source: 'default' | 'operator'; updated_at: Date }[] = await this.dataSource.query(
      'SELECT map, source, updated_at FROM status_map WHERE connection_id = $1',
      [connectionId],
    );
    const row = rows[0];
    return row ? { map: row.map, source: row.source, updatedAt: new Date(row.updated_at).toISOString() } : undefined;
  }
}
