import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { KeyRights, Principal } from './principal';

export const API_KEY_PREFIX = 'hub_';

export interface ApiKeyView {
  id: string;
  name: string;
  /** The first characters, to recognise a key; the key itself is shown once, when created. */
  prefix: string;
  rights: KeyRights;
  connectionIds: string[] | null;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntryView {
  id: number;
  at: string;
  actor: string;
  method: string;
  path: string;
  connectionId: string | null;
  status: number;
  before: unknown;
  after: unknown;
  request: unknown;
}

interface KeyRow {
  id: string;
  name: string;
  key_prefix: string;
  rights: KeyRights;
  connection_ids: string[] | null;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');
/** Stored keys are looked up at most this often per replica; a revocation takes effect everywhere within it. */
export const KEY_CACHE_MS = 5_000;
const LAST_USED_EVERY_MS = 60_000;

/** API keys scoped to connections with read or write rights, stored hashed; and the audit log of admin writes. */
@Injectable()
export class AccessService {
  private readonly logger = new Logger(AccessService.name);
  private readonly cache = new Map<string, { row: KeyRow | null; until: number }>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(private readonly dataSource: DataSource) {}

  async create(input: { name: string; rights: KeyRights; connectionIds?: string[] | null }, createdBy: string): Promise<ApiKeyView & { key: string }> {
    const connectionIds = input.connectionIds?.length ? [...new Set(input.connectionIds)] : null;
    if (connectionIds) {
      const found = (await this.dataSource.query('SELECT id FROM connection WHERE id = ANY($1::uuid[])', [connectionIds])) as { id: string }[];
      const missing = connectionIds.filter((id) => !found.some((f) => f.id === id));
      if (missing.length) throw new BadRequestException(`unknown connection ids: ${missing.join(', ')}`);
    }
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    const [row] = (await this.dataSource.query(
      `INSERT INTO api_key (id, name, key_hash, key_prefix, rights, connection_ids, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [id, input.name, hashOf(key), key.slice(0, API_KEY_PREFIX.length + 6), input.rights, connectionIds, createdBy],
    )) as KeyRow[];
    return { ...view(row!), key };
  }

  async list(): Promise<ApiKeyView[]> {
    return ((await this.dataSource.query('SELECT * FROM api_key ORDER BY created_at DESC')) as KeyRow[]).map(view);
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const [rows] = (await this.dataSource.query('UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *', [id])) as [KeyRow[], number];
    if (!rows?.length) throw new NotFoundException(`no API key with id ${id}`);
    this.cache.clear();
    return view(rows[0]!);
  }

  /** The principal of a stored key, or null when unknown or revoked. */
  async principalFor(presented: string): Promise<Principal | null> {
    if (!presented.startsWith(API_KEY_PREFIX)) return null;
    const hash = hashOf(presented);
    const hit = this.cache.get(hash);
    let row = hit && hit.until > Date.now() ? hit.row : undefined;
    if (row === undefined) {
      row = ((await this.dataSource.query('SELECT * FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL', [hash])) as KeyRow[])[0] ?? null;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, { row, until: Date.now() + KEY_CACHE_MS });
    }
    if (!row) return null;
    this.touch(row.id);
    return { actor: `key:${row.name} (${row.id})`, keyId: row.id, rights: row.rights, connectionIds: row.connection_ids ? new Set(row.connection_ids) : null, admin: false };
  }

  async record(entry: Omit<AuditEntryView, 'id' | 'at'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_log (actor, method, path, connection_id, status, before, after, request) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [entry.actor, entry.method, entry.path, entry.connectionId, entry.status, json(entry.before), json(entry.after), json(entry.request)],
    );
  }

  async audit(query: { connectionId?: string; actor?: string; limit: number; offset: number }): Promise<{ total: number; items: AuditEntryView[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.connectionId) where.push(`connection_id = $${params.push(query.connectionId)}`);
    if (query.actor) where.push(`actor ILIKE $${params.push(`%${query.actor}%`)}`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM audit_log ${clause}`, params)) as [{ total: number }];
    const rows = (await this.dataSource.query(
      `SELECT * FROM audit_log ${clause} ORDER BY at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, query.offset],
    )) as (Omit<AuditEntryView, 'at' | 'connectionId' | 'id'> & { id: string; at: Date; connection_id: string | null })[];
    return {
      total,
      items: rows.map((r) => ({ id: Number(r.id), at: r.at.toISOString(), actor: r.actor, method: r.method, path: r.path, connectionId: r.connection_id, status: r.status, before: r.before, after: r.after, request: r.request })),
    };
  }

  private touch(id: string): void {
    const last = this.lastUsedWritten.get(id) ?? 0;
    if (Date.now() - last < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(id, Date.now());
    this.dataSource.query('UPDATE api_key SET last_used_at = now() WHERE id = $1', [id]).catch((error: Error) => this.logger.warn({ msg: 'could not record key use', err: error.message }));
  }
}

function view(row: KeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.key_prefix,
    rights: row.rights,
    connectionIds: row.connection_ids,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
