import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  DEFAULT_CONNECTION_SETTINGS, IDERIS_INVOICE_URL_PURPOSE, IDERIS_TRACKING_URL_PURPOSE, invoiceTrackingPathOf, type ConnectionChangedV1, type ConnectionSettings, type ConnectionSituation, type InvoiceTrackingPath,
} from '@hub/contracts';
import { SecretBox } from '@hub/platform';

export interface ConnectionRecord {
  id: string;
  version: number;
  name: string;
  situation: ConnectionSituation;
  cnpj: string | null;
  tinyIntegrationId: number | null;
  tinyBaseUrl: string;
  iderisBaseUrl: string;
  settings: typeof DEFAULT_CONNECTION_SETTINGS;
  deleted: boolean;
  /** Which of Ideris's two notification URLs the seller has (their values: `notificationUrls(id)`). */
  iderisNotificationUrls: { invoice: boolean; tracking: boolean };
  /** How invoices and tracking reach Ideris, the setting or its default (see `invoiceTrackingPathOf`). */
  invoiceTrackingPath: InvoiceTrackingPath;
}

/** The URLs Ideris support gave the seller, opened; absent ones are undefined. */
export interface IderisNotificationUrls {
  invoiceUrl?: string;
  trackingUrl?: string;
}

export interface ConnectionCredentials {
  tinyToken: string;
  iderisPrivateKey: string;
}

export type NotificationConnectionCheck = { active: true; connection: ConnectionRecord } | { active: false; retry: boolean; situation: string };

/** Deliveries before a notification of a connection this service does not see as active is let go. */
const READ_MODEL_RETRIES = 3;
/** Older notifications of a non-active connection are let go at once: no read model lags this much. */
const READ_MODEL_LAG_MS = 60_000;
/**
 * `get` answers from memory for this long: every message handler and every push round asks for its connection,
 * and a query per message was a fifth of a worker's database round trips. A change applied by this process is
 * seen at once (its entry is dropped, and not cached again until the change has surely committed); one applied by
 * another replica of the service (they share the projection's durable consumer) is seen within this time, on top
 * of the read model's own lag behind the gateway.
 */
export const CONNECTION_CACHE_MS = 1_000;

interface Row {
  id: string;
  version: number;
  name: string;
  situation: ConnectionSituation;
  cnpj: string | null;
  tiny_integration_id: number | null;
  tiny_base_url: string;
  ideris_base_url: string;
  settings: ConnectionSettings;
  tiny_token_sealed: string | null;
  ideris_key_sealed: string | null;
  ideris_invoice_url_sealed: string | null;
  ideris_tracking_url_sealed: string | null;
  deleted: boolean;
}


/** A service's view of the connections it serves, from its own table. Only active ones sync. */
@Injectable()
export class ConnectionDirectory {
  private readonly cache = new Map<string, { record: ConnectionRecord | undefined; at: number }>();
  /** When this process last applied a change to each connection (its transaction commits after `apply` returns). */
  private readonly changedAt = new Map<string, number>();

  constructor(private readonly dataSource: DataSource, private readonly secretBox: SecretBox) {}

  /** Applies an event if it is newer than what the table holds; returns whether it changed anything. */
  async apply(manager: EntityManager, event: ConnectionChangedV1): Promise<boolean> {
    this.forget(event.connectionId);
    const rows: unknown[] = await manager.query(
      `INSERT INTO connection_view (id, version, name, situation, cnpj, tiny_integration_id, tiny_base_url, ideris_base_url,
          settings, tiny_token_sealed, ideris_key_sealed, deleted, ideris_invoice_url_sealed, ideris_tracking_url_sealed, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14, now())
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, situation = EXCLUDED.situation,
          cnpj = EXCLUDED.cnpj, tiny_integration_id = EXCLUDED.tiny_integration_id, tiny_base_url = EXCLUDED.tiny_base_url,
          ideris_base_url = EXCLUDED.ideris_base_url, settings = EXCLUDED.settings, tiny_token_sealed = EXCLUDED.tiny_token_sealed,
          ideris_key_sealed = EXCLUDED.ideris_key_sealed, deleted = EXCLUDED.deleted,
          ideris_invoice_url_sealed = EXCLUDED.ideris_invoice_url_sealed, ideris_tracking_url_sealed = EXCLUDED.ideris_tracking_url_sealed, updated_at = now()
       WHERE connection_view.version < EXCLUDED.version
       RETURNING id`,
      [
        event.connectionId, event.version, event.name, event.situation, event.cnpj ?? null, event.tinyIntegrationId ?? null,
        event.tinyBaseUrl, event.iderisBaseUrl, JSON.stringify(event.settings ?? {}), event.credentials?.tinyToken ?? null,
        event.credentials?.iderisPrivateKey ?? null, event.deleted,
        event.credentials?.iderisInvoiceUrl ?? null, event.credentials?.iderisTrackingUrl ?? null,
      ],
    );
    this.forget(event.connectionId);
    return rows.length > 0;
  }

  /** The connection as the read model holds it (from memory when read less than `CONNECTION_CACHE_MS` ago). */
  async get(id: string): Promise<ConnectionRecord | undefined> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < CONNECTION_CACHE_MS) return hit.record;
    const rows: Row[] = await this.dataSource.query('SELECT * FROM connection_view WHERE id = $1', [id]);
    const record = rows[0] ? toRecord(rows[0]) : undefined;
    // A read that may have started before a change here committed is not kept.
    if (now - (this.changedAt.get(id) ?? -Infinity) > CONNECTION_CACHE_MS) this.cache.set(id, { record, at: now });
    return record;
  }

  /** Drops what memory holds of a connection: the next `get` reads the table. */
  forget(id: string): void {
    this.cache.delete(id);
    this.changedAt.set(id, Date.now());
  }

  /** Connections that sync: active and not deleted. */
  async listActive(): Promise<ConnectionRecord[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM connection_view WHERE situation = 'active' AND NOT deleted ORDER BY id`);
    return rows.map(toRecord);
  }

  /**
   * The active connections a poll loop has something to do for, in one query: those whose row in `stateTable` is due
   * (`next_poll_at` passed, no live lease) and those with no row yet (`hasState: false`). An idle connection costs the
   * loop nothing but its share of this query, whatever the number of connections and replicas.
   */
  async listActiveDue(stateTable: string): Promise<Array<ConnectionRecord & { hasState: boolean }>> {
    if (!/^[a-z_]+$/.test(stateTable)) throw new Error(`not a table name: ${stateTable}`);
    const rows: Array<Row & { has_state: boolean }> = await this.dataSource.query(
      `SELECT c.*, s.connection_id IS NOT NULL AS has_state FROM connection_view c LEFT JOIN ${stateTable} s ON s.connection_id = c.id
       WHERE c.situation = 'active' AND NOT c.deleted
         AND (s.connection_id IS NULL OR (s.next_poll_at <= now() AND (s.lease_until IS NULL OR s.lease_until < now())))
       ORDER BY c.id`,
    );
    return rows.map((row) => ({ ...toRecord(row), hasState: row.has_state }));
  }

  async isActive(id: string): Promise<boolean> {
    const c = await this.get(id);
    return !!c && c.situation === 'active' && !c.deleted;
  }

  /**
   * Whether a Tiny notification's connection syncs here. The gateway stores notifications of active
   * connections only, so a fresh one of a connection not (yet) active in this read model is most likely the
   * read model lagging behind an activation: `retry` says it is worth a couple more deliveries.
   */
  async checkForNotification(id: string, receivedAt: string, attempt: number): Promise<NotificationConnectionCheck> {
    const connection = await this.get(id);
    if (connection && !connection.deleted && connection.situation === 'active') return { active: true, connection };
    const fresh = Date.now() - new Date(receivedAt).getTime() < READ_MODEL_LAG_MS;
    return {
      active: false,
      retry: !connection?.deleted && fresh && attempt < READ_MODEL_RETRIES,
      situation: connection?.deleted ? 'deleted' : (connection?.situation ?? 'unknown'),
    };
  }

  /** Opens the sealed credentials; only for the client that calls the external API. */
  async credentials(id: string): Promise<ConnectionCredentials | undefined> {
    const rows: Row[] = await this.dataSource.query('SELECT id, tiny_token_sealed, ideris_key_sealed FROM connection_view WHERE id = $1', [id]);
    const row = rows[0];
    if (!row?.tiny_token_sealed || !row.ideris_key_sealed) return undefined;
    try {
      return {
        tinyToken: this.secretBox.open(row.tiny_token_sealed, `${id}:tiny`),
        iderisPrivateKey: this.secretBox.open(row.ideris_key_sealed, `${id}:ideris`),
      };
    } catch {
      throw new Error(`the credentials of connection ${id} cannot be opened with this service's HUB_ENCRYPTION_KEY (sealed under another key)`);
    }
  }

  /** Opens the Ideris notification URLs; only where the delivery to them is made. */
  async notificationUrls(id: string): Promise<IderisNotificationUrls> {
    const rows: Row[] = await this.dataSource.query('SELECT id, ideris_invoice_url_sealed, ideris_tracking_url_sealed FROM connection_view WHERE id = $1', [id]);
    const row = rows[0];
    const open = (sealed: string | null | undefined, purpose: string) => {
      if (!sealed) return undefined;
      try {
        return this.secretBox.open(sealed, `${id}:${purpose}`);
      } catch {
        throw new Error(`the Ideris notification URLs of connection ${id} cannot be opened with this service's HUB_ENCRYPTION_KEY (sealed under another key)`);
      }
    };
    return { invoiceUrl: open(row?.ideris_invoice_url_sealed, IDERIS_INVOICE_URL_PURPOSE), trackingUrl: open(row?.ideris_tracking_url_sealed, IDERIS_TRACKING_URL_PURPOSE) };
  }
}

function toRecord(row: Row): ConnectionRecord {
  const urls = { invoice: !!row.ideris_invoice_url_sealed, tracking: !!row.ideris_tracking_url_sealed };
  return {
    id: row.id,
    version: row.version,
    name: row.name,
    situation: row.situation,
    cnpj: row.cnpj,
    tinyIntegrationId: row.tiny_integration_id,
    tinyBaseUrl: row.tiny_base_url,
    iderisBaseUrl: row.ideris_base_url,
    settings: { ...DEFAULT_CONNECTION_SETTINGS, ...row.settings },
    deleted: row.deleted,
    iderisNotificationUrls: urls,
    invoiceTrackingPath: invoiceTrackingPathOf(row.settings?.invoiceTrackingPath, urls),
  };
}
