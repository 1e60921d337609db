import { Injectable } from '@nestjs/common';
import type { ConnectionSituation } from '@hub/contracts';
import { isDependencyOutage } from '@hub/platform';
import { ConnectionsService } from '../connections/connections.service';

export interface CachedConnection {
  id: string;
  secret: string;
  /** The secret before a rotation, accepted until `previousSecretUntil` (ms since the epoch). */
  previousSecret: string | null;
  previousSecretUntil: number | null;
  cnpj: string | null;
  tinyIntegrationId: number | null;
  situation: ConnectionSituation;
}

/**
 * Webhook storms hit a handful of connections thousands of times a minute: keep what the intake checks in
 * memory for a few seconds (unknown ids too, so garbage cannot hammer the database).
 */
@Injectable()
export class WebhookConnectionCache {
  static readonly TTL_MS = 5000;
  /**
   * While PostgreSQL is unreachable, what was checked a moment ago still stands: the intake keeps persisting
   * Tiny's notifications to JetStream (which does not need PostgreSQL) instead of refusing them all.
   */
  static readonly STALE_ON_OUTAGE_MS = 15 * 60_000;
  private readonly entries = new Map<string, { value: CachedConnection | null; expiresAt: number }>();

  constructor(private readonly connections: ConnectionsService) {}

  async get(id: string): Promise<CachedConnection | null> {
    const hit = this.entries.get(id);
    if (hit && hit.expiresAt > Date.now()) return hit.value;
    let loaded: Awaited<ReturnType<ConnectionsService['loadForWebhook']>>;
    try {
      loaded = await this.connections.loadForWebhook(id);
    } catch (error) {
      if (hit && isDependencyOutage(error) && hit.expiresAt + WebhookConnectionCache.STALE_ON_OUTAGE_MS > Date.now()) return hit.value;
      throw error;
    }
    const value = loaded
      ? { id, secret: loaded.secret, previousSecret: loaded.previous?.secret ?? null, previousSecretUntil: loaded.previous?.until.getTime() ?? null, cnpj: loaded.entity.cnpj, tinyIntegrationId: loaded.entity.tinyIntegrationId, situation: loaded.entity.situation }
      : null;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(id, { value, expiresAt: Date.now() + WebhookConnectionCache.TTL_MS });
    return value;
  }

  invalidate(id: string): void {
    this.entries.delete(id);
  }
}
