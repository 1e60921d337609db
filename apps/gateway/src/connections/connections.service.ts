import { randomBytes, randomUUID } from 'node:crypto';
import { ConflictException, Injectable, Logger, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import {
  ConnectionEvents, DEFAULT_CONNECTION_SETTINGS, IDERIS_INVOICE_URL_PURPOSE, IDERIS_TRACKING_URL_PURPOSE, invoiceTrackingPathOf, TINY_NOTIFICATION_KINDS,
  type ConnectionChangedV1, type TinyNotificationKind,
} from '@hub/contracts';
import { Outbox } from '@hub/messaging';
import { bindConnection, maskSecret, SecretBox } from '@hub/platform';
import { ConnectionEntity } from './connection.entity';
import { DEFAULT_IDERIS_BASE_URL, DEFAULT_TINY_BASE_URL, type ConnectionView, type CreateConnectionDto, type UpdateConnectionDto } from './connection.dto';
import { nextSituation, type LifecycleOutcome } from './connection-lifecycle';
import { CredentialVerifier } from './credential-verifier';
import { applyNotificationUrls, assertInvoiceTrackingPathUsable } from './ideris-notification-urls';


/** The gateway's external base URL, injected so tests can set it. */
export class PublicUrl {
  constructor(readonly value: string) {}
}

/** Fields whose change invalidates a verification: the connection must be activated again. */
const VERIFIED_FIELDS = ['tinyToken', 'iderisPrivateKey', 'cnpj', 'tinyBaseUrl', 'iderisBaseUrl'] as const;

@Injectable()
export class ConnectionsService {
  private readonly logger = new Logger(ConnectionsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly secretBox: SecretBox,
    private readonly outbox: Outbox,
    private readonly verifier: CredentialVerifier,
    private readonly publicUrl: PublicUrl,
  ) {}

  async create(dto: CreateConnectionDto): Promise<ConnectionView> {
    const id = randomUUID();
    bindConnection(id);
    const entity = this.dataSource.manager.create(ConnectionEntity, {
      id,
      name: dto.name,
      cnpj: dto.cnpj ?? null,
      tinyIntegrationId: dto.tinyIntegrationId ?? null,
      tinyBaseUrl: dto.tinyBaseUrl ?? DEFAULT_TINY_BASE_URL,
      iderisBaseUrl: dto.iderisBaseUrl ?? DEFAULT_IDERIS_BASE_URL,
      settings: { ...DEFAULT_CONNECTION_SETTINGS, ...dto.settings },
      webhookSecretSealed: this.secretBox.seal(randomBytes(24).toString('base64url'), `${id}:webhook`),
      lastVerification: null,
    });
    this.applyCredentials(entity, dto);
    applyNotificationUrls(entity, dto, this.secretBox);
    assertInvoiceTrackingPathUsable(entity);
    entity.situation = this.expect(nextSituation(undefined, { type: 'create', credentialsComplete: credentialsComplete(entity) }));
    const saved = await this.dataSource.transaction(async (m) => {
      await this.assertNameFree(m, dto.name);
      const row = await m.save(entity);
      await this.announce(m, row);
      return row;
    });
    this.logger.log({ msg: 'connection created', connectionId: id, situation: saved.situation });
    return this.view(saved);
  }

  /** `scope` null: every connection; else only those (a scoped API key). */
  async list(scope: ReadonlySet<string> | null = null): Promise<ConnectionView[]> {
    const rows = await this.dataSource.manager.find(ConnectionEntity, { order: { createdAt: 'ASC' }, ...(scope ? { where: { id: In([...scope]) } } : {}) });
    return rows.map((r) => this.view(r));
  }

  /**
   * A new webhook secret; the old one stays valid for `graceHours` so no notification is refused while the
   * seller pastes the new URLs into Tiny. The secret is the gateway's alone: nothing is announced.
   */
  async rotateWebhookSecret(id: string, graceHours: number): Promise<ConnectionView> {
    const saved = await this.dataSource.transaction(async (m) => {
      const entity = await this.load(m, id, true);
      const current = this.openOrUndefined(entity.webhookSecretSealed, `${id}:webhook`);
      entity.previousWebhookSecretSealed = current !== undefined && graceHours > 0 ? entity.webhookSecretSealed : null;
      entity.previousWebhookSecretUntil = entity.previousWebhookSecretSealed ? new Date(Date.now() + graceHours * 3_600_000) : null;
      entity.webhookSecretSealed = this.secretBox.seal(randomBytes(24).toString('base64url'), `${id}:webhook`);
      return m.save(entity);
    });
    this.logger.log({ msg: 'webhook secret rotated', connectionId: id, graceHours });
    return this.view(saved);
  }

  async get(id: string): Promise<ConnectionView> {
    return this.view(await this.load(this.dataSource.manager, id));
  }

  async update(id: string, dto: UpdateConnectionDto): Promise<ConnectionView> {
    bindConnection(id);
    const saved = await this.dataSource.transaction(async (m) => {
      const entity = await this.load(m, id, true);
      if (dto.name !== undefined && dto.name.toLowerCase() !== entity.name.toLowerCase()) await this.assertNameFree(m, dto.name);
      const verifiedChanged = VERIFIED_FIELDS.some((f) => dto[f] !== undefined && this.differs(entity, f, dto[f]!));
      if (dto.name !== undefined) entity.name = dto.name;
      if (dto.cnpj !== undefined) entity.cnpj = dto.cnpj;
      if (dto.tinyIntegrationId !== undefined) entity.tinyIntegrationId = dto.tinyIntegrationId;
      if (dto.tinyBaseUrl !== undefined) entity.tinyBaseUrl = dto.tinyBaseUrl;
      if (dto.iderisBaseUrl !== undefined) entity.iderisBaseUrl = dto.iderisBaseUrl;
      if (dto.settings !== undefined) entity.settings = { ...entity.settings, ...dto.settings };
      this.applyCredentials(entity, dto);
      applyNotificationUrls(entity, dto, this.secretBox);
      assertInvoiceTrackingPathUsable(entity);
      if (verifiedChanged) {
        entity.situation = this.expect(nextSituation(entity.situation, { type: 'verified-fields-changed', credentialsComplete: credentialsComplete(entity) }));
        entity.lastVerification = null;
      }
      const row = await m.save(entity);
      await this.announce(m, row);
      return row;
    });
    return this.view(saved);
  }

  /** Verifies both credentials with a real call to each API; activates only when both pass. */
  async activate(id: string): Promise<ConnectionView> {
    bindConnection(id);
    const current = await this.load(this.dataSource.manager, id);
    const complete = credentialsComplete(current);
    if (!complete) this.expect(nextSituation(current.situation, { type: 'activate', credentialsComplete: false, verificationPassed: false }));
    const tinyToken = this.openOrUndefined(current.tinyTokenSealed, `${id}:tiny`);
    const iderisPrivateKey = this.openOrUndefined(current.iderisKeySealed, `${id}:ideris`);
    if (tinyToken === undefined || iderisPrivateKey === undefined) {
      throw new ConflictException('the stored credentials were sealed under another HUB_ENCRYPTION_KEY; set tinyToken and iderisPrivateKey again');
    }
    const verification = await this.verifier.verify({
      tinyBaseUrl: current.tinyBaseUrl, tinyToken, iderisBaseUrl: current.iderisBaseUrl, iderisPrivateKey, cnpj: current.cnpj!,
      tinyCallsPerMinute: current.settings?.tinyCallsPerMinute, iderisCallsPerMinute: current.settings?.iderisCallsPerMinute,
    });
    const passed = verification.tiny.ok && verification.ideris.ok;
    const saved = await this.dataSource.transaction(async (m) => {
      const entity = await this.load(m, id, true);
      if (entity.version !== current.version) throw new ConflictException('the connection changed while it was being verified; try again');
      entity.lastVerification = verification;
      const outcome = nextSituation(entity.situation, { type: 'activate', credentialsComplete: complete, verificationPassed: passed });
      if (outcome.ok) entity.situation = outcome.situation;
      const row = await m.save(entity);
      if (outcome.ok) await this.announce(m, row);
      return { row, outcome };
    });
    this.logger.log({ msg: passed ? 'connection activated' : 'connection verification failed', connectionId: id, tiny: verification.tiny.detail, ideris: verification.ideris.detail });
    if (!saved.outcome.ok) {
      throw new UnprocessableEntityException({ message: saved.outcome.reason, verification, connection: this.view(saved.row) });
    }
    return this.view(saved.row);
  }

  async deactivate(id: string): Promise<ConnectionView> {
    bindConnection(id);
    const saved = await this.dataSource.transaction(async (m) => {
      const entity = await this.load(m, id, true);
      const previous = entity.situation;
      entity.situation = this.expect(nextSituation(entity.situation, { type: 'deactivate' }));
      if (previous === entity.situation) return entity;
      const row = await m.save(entity);
      await this.announce(m, row);
      return row;
    });
    return this.view(saved);
  }

  async remove(id: string): Promise<void> {
    bindConnection(id);
    await this.dataSource.transaction(async (m) => {
      const entity = await this.load(m, id, true);
      await m.delete(ConnectionEntity, { id });
      await this.announce(m, { ...entity, version: entity.version + 1 }, true);
    });
    this.logger.log({ msg: 'connection deleted', connectionId: id });
  }

  /**
   * Re-seals every stored secret that is not under the current HUB_ENCRYPTION_KEY (a previous key, or the
   * legacy form), one connection per transaction, announcing each changed connection so the services' read
   * models hold the new ciphertext. A connection whose secrets no configured key opens is reported, not changed.
   */
  async resealAll(): Promise<{ connections: number; resealed: number; alreadyCurrent: number; unreadable: string[] }> {
    const ids = ((await this.dataSource.query('SELECT id FROM connection ORDER BY created_at')) as { id: string }[]).map((r) => r.id);
    const result = { connections: ids.length, resealed: 0, alreadyCurrent: 0, unreadable: [] as string[] };
    for (const id of ids) {
      const outcome = await this.dataSource.transaction(async (m) => {
        const entity = await m.findOne(ConnectionEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!entity) return 'gone' as const;
        const fields = [
          ['tinyTokenSealed', `${id}:tiny`],
          ['iderisKeySealed', `${id}:ideris`],
          ['webhookSecretSealed', `${id}:webhook`],
          ['previousWebhookSecretSealed', `${id}:webhook`],
          ['iderisInvoiceUrlSealed', `${id}:${IDERIS_INVOICE_URL_PURPOSE}`],
          ['iderisTrackingUrlSealed', `${id}:${IDERIS_TRACKING_URL_PURPOSE}`],
        ] as const;
        const stale = fields.filter(([field]) => entity[field] && this.secretBox.needsReseal(entity[field]!));
        if (!stale.length) return 'current' as const;
        const opened = stale.map(([field, purpose]) => [field, purpose, this.openOrUndefined(entity[field], purpose)] as const);
        if (opened.some(([, , plain]) => plain === undefined)) return 'unreadable' as const;
        for (const [field, purpose, plain] of opened) entity[field] = this.secretBox.seal(plain!, purpose);
        const saved = await m.save(entity);
        await this.announce(m, saved);
        return 'resealed' as const;
      });
      if (outcome === 'resealed') result.resealed++;
      else if (outcome === 'current') result.alreadyCurrent++;
      else if (outcome === 'unreadable') result.unreadable.push(id);
    }
    this.logger.log({ msg: 'credentials re-sealed under the current key', keyId: this.secretBox.keyId, ...result, unreadable: result.unreadable.length });
    return result;
  }

  /** What the webhook intake needs; the secret is opened here and cached by the caller. */
  async loadForWebhook(id: string): Promise<{ secret: string; previous: { secret: string; until: Date } | null; entity: ConnectionEntity } | undefined> {
    const entity = await this.dataSource.manager.findOne(ConnectionEntity, { where: { id } });
    if (!entity) return undefined;
    const until = entity.previousWebhookSecretUntil ? new Date(entity.previousWebhookSecretUntil) : null;
    const previousSecret = until && until.getTime() > Date.now() ? this.openOrUndefined(entity.previousWebhookSecretSealed, `${id}:webhook`) : undefined;
    return { entity, secret: this.secretBox.open(entity.webhookSecretSealed, `${id}:webhook`), previous: previousSecret && until ? { secret: previousSecret, until } : null };
  }

  private async announce(m: EntityManager, entity: ConnectionEntity, deleted = false): Promise<void> {
    const event: ConnectionChangedV1 = {
      connectionId: entity.id,
      version: entity.version,
      name: entity.name,
      situation: entity.situation,
      cnpj: entity.cnpj ?? undefined,
      tinyIntegrationId: entity.tinyIntegrationId ?? undefined,
      tinyBaseUrl: entity.tinyBaseUrl,
      iderisBaseUrl: entity.iderisBaseUrl,
      settings: entity.settings,
      // Sealed with the connection id as associated data; services open them with the shared key.
      credentials: {
        tinyToken: entity.tinyTokenSealed ?? undefined,
        iderisPrivateKey: entity.iderisKeySealed ?? undefined,
        iderisInvoiceUrl: entity.iderisInvoiceUrlSealed ?? undefined,
        iderisTrackingUrl: entity.iderisTrackingUrlSealed ?? undefined,
      },
      deleted,
      occurredAt: new Date().toISOString(),
    };
    await this.outbox.add(m, { subject: ConnectionEvents.changed.subject, payload: event, messageId: `connection:${entity.id}:v${entity.version}`, connectionId: entity.id });
  }

  private applyCredentials(entity: ConnectionEntity, dto: UpdateConnectionDto): void {
    if ((dto.tinyToken !== undefined || dto.iderisPrivateKey !== undefined) && this.openOrUndefined(entity.webhookSecretSealed, `${entity.id}:webhook`) === undefined) {
      // The old webhook secret cannot be opened any more: a new one is issued (the URLs in Tiny must be updated).
      entity.webhookSecretSealed = this.secretBox.seal(randomBytes(24).toString('base64url'), `${entity.id}:webhook`);
    }
    if (dto.tinyToken !== undefined) {
      entity.tinyTokenSealed = this.secretBox.seal(dto.tinyToken, `${entity.id}:tiny`);
      entity.tinyTokenHint = maskSecret(dto.tinyToken);
    }
    if (dto.iderisPrivateKey !== undefined) {
      entity.iderisKeySealed = this.secretBox.seal(dto.iderisPrivateKey, `${entity.id}:ideris`);
      entity.iderisKeyHint = maskSecret(dto.iderisPrivateKey);
    }
  }

  private differs(entity: ConnectionEntity, field: (typeof VERIFIED_FIELDS)[number], value: string): boolean {
    switch (field) {
      case 'tinyToken':
        return this.openOrUndefined(entity.tinyTokenSealed, `${entity.id}:tiny`) !== value;
      case 'iderisPrivateKey':
        return this.openOrUndefined(entity.iderisKeySealed, `${entity.id}:ideris`) !== value;
      default:
        return entity[field] !== value;
    }
  }

  /** Undefined when absent or sealed under another key (a changed HUB_ENCRYPTION_KEY). */
  private openOrUndefined(sealed: string | null, purpose: string): string | undefined {
    if (!sealed) return undefined;
    try {
      return this.secretBox.open(sealed, purpose);
    } catch {
      return undefined;
    }
  }

  private async load(m: EntityManager, id: string, lock = false): Promise<ConnectionEntity> {
    const entity = await m.findOne(ConnectionEntity, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!entity) throw new NotFoundException(`no connection with id ${id}`);
    return entity;
  }

  private async assertNameFree(m: EntityManager, name: string): Promise<void> {
    const taken = await m.query('SELECT 1 FROM connection WHERE lower(name) = lower($1)', [name]);
    if ((taken as unknown[]).length > 0) throw new ConflictException(`a connection named "${name}" already exists`);
  }

  private expect(outcome: LifecycleOutcome) {
    if (outcome.ok) return outcome.situation;
    if (outcome.status === 409) throw new ConflictException(outcome.reason);
    throw new UnprocessableEntityException(outcome.reason);
  }

  view(entity: ConnectionEntity): ConnectionView {
    let webhookUrls: Record<TinyNotificationKind, string> | null = null;
    try {
      const secret = this.secretBox.open(entity.webhookSecretSealed, `${entity.id}:webhook`);
      const base = `${this.publicUrl.value.replace(/\/$/, '')}/webhooks/tiny/${entity.id}/${secret}`;
      webhookUrls = Object.fromEntries(TINY_NOTIFICATION_KINDS.map((k) => [k, `${base}/${k}`])) as Record<TinyNotificationKind, string>;
    } catch {
      // Sealed under another HUB_ENCRYPTION_KEY (a key changed without re-encryption): shown, not fatal to the list.
      this.logger.error({ msg: 'connection secrets cannot be opened with the current HUB_ENCRYPTION_KEY', connectionId: entity.id });
    }
    return {
      id: entity.id,
      name: entity.name,
      situation: entity.situation,
      cnpj: entity.cnpj,
      tinyIntegrationId: entity.tinyIntegrationId,
      tinyBaseUrl: entity.tinyBaseUrl,
      iderisBaseUrl: entity.iderisBaseUrl,
      tinyToken: entity.tinyTokenHint,
      iderisPrivateKey: entity.iderisKeyHint,
      iderisInvoiceUrl: entity.iderisInvoiceUrlHint ?? null,
      iderisTrackingUrl: entity.iderisTrackingUrlHint ?? null,
      settings: { ...DEFAULT_CONNECTION_SETTINGS, ...entity.settings },
      invoiceTrackingPathInEffect: invoiceTrackingPathOf(entity.settings?.invoiceTrackingPath, { invoice: !!entity.iderisInvoiceUrlSealed, tracking: !!entity.iderisTrackingUrlSealed }),
      webhookUrls,
      secretsReadable: webhookUrls !== null,
      previousWebhookSecretUntil: entity.previousWebhookSecretUntil && new Date(entity.previousWebhookSecretUntil).getTime() > Date.now() ? new Date(entity.previousWebhookSecretUntil).toISOString() : null,
      lastVerification: entity.lastVerification,
      version: entity.version,
      createdAt: new Date(entity.createdAt).toISOString(),
      updatedAt: new Date(entity.updatedAt).toISOString(),
    };
  }
}


function credentialsComplete(entity: ConnectionEntity): boolean {
  return !!entity.tinyTokenSealed && !!entity.iderisKeySealed && !!entity.cnpj;
}
