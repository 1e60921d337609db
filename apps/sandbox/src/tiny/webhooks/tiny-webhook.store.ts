import { Inject, Injectable } from '@nestjs/common';
import { seeded } from '../../common/seeded-random';
import { SANDBOX_CONFIG, type SandboxConfig } from '../../sandbox.config';
import type { TinyProductMapping, TinyWebhookKind } from './tiny-webhook.payloads';

/** The hub's webhook URLs for one Tiny account (both the e-commerce integration's and the account's). */
export interface TinyWebhookRegistration {
  token: string;
  /** Digits, as in Tiny's envelopes. */
  cnpj: string;
  idEcommerce: number;
  /** The integration's stock setting: F físico, D disponível (balance minus reservations). */
  tipoEstoque: 'F' | 'D';
  urls: Partial<Record<TinyWebhookKind, string>>;
  /**
   * ASSUMPTION (docs/contracts.md#tiny-produto): the integration can be set to send a product (`produto`) whenever it is created or changed in
   * Tiny, API writes included, instead of only when the seller clicks "Enviar produto". Off unless asked for.
   */
  sendProductsOnChange: boolean;
}

export interface TinyWebhookFaults {
  /** Probability (0..1) that a notification is delivered twice with the same body. */
  duplicateRate: number;
  /** Notifications are held for this many (real) ms and then sent newest first. 0 = off. */
  reorderWindowMs: number;
  /** The first attempt of every notification is lost on the way (the hub never sees it); retries follow. */
  dropFirstAttempt: boolean;
  /** Numbers sent as strings and `tipoEstoque` missing, as integrators observed. */
  typeDrift: boolean;
  seed: number;
}

export interface TinyWebhookSettings {
  /** Multiplies every retry delay: 0.001 turns Tiny's 5 minutes into 300 ms. */
  timeScale: number;
  /** Deliveries in flight at once per account (1 keeps them in order unless a fault reorders them). */
  concurrency: number;
  /** How long the sandbox waits for the hub's answer (real ms) before counting the attempt as failed. */
  timeoutMs: number;
}

/** One delivery attempt as the hub saw it (or did not, for a dropped attempt). */
export interface TinyWebhookAttempt {
  notificationId: number;
  kind: TinyWebhookKind | 'ping';
  url: string;
  /** The JSON document posted (null for the empty-body validation ping). */
  body: unknown;
  /** HTTP status answered; null when there was no answer (dropped, refused, timed out). */
  status: number | null;
  attempt: number;
  at: string;
  durationMs: number;
  duplicate: boolean;
  /** Why the attempt counts as failed, when it does. */
  error?: string;
  /** The hub's answer to `produto` (parsed when JSON). */
  reply?: unknown;
  /** Delay (already scaled) before the next attempt; absent when none follows. */
  nextAttemptInMs?: number;
}

export interface TinyProductMappingRecord {
  notificationId: number;
  idProduto: number;
  codigo: string;
  at: string;
  mappings: TinyProductMapping[];
}

const DEFAULT_FAULTS: TinyWebhookFaults = { duplicateRate: 0, reorderWindowMs: 0, dropFirstAttempt: false, typeDrift: false, seed: 1 };

@Injectable()
export class TinyWebhookStore {
  private readonly registrations = new Map<string, TinyWebhookRegistration>();
  private readonly faults = new Map<string, { spec: TinyWebhookFaults; random: () => number }>();
  private readonly attempts = new Map<string, TinyWebhookAttempt[]>();
  private readonly productMappings = new Map<string, TinyProductMappingRecord[]>();
  /** token → Tiny product id → what the hub answered for it. */
  private readonly mappings = new Map<string, Map<number, TinyProductMapping>>();
  private currentSettings: TinyWebhookSettings;

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {
    this.currentSettings = this.defaultSettings();
  }

  register(registration: TinyWebhookRegistration): TinyWebhookRegistration {
    this.registrations.set(registration.token, registration);
    return registration;
  }

  registration(token: string): TinyWebhookRegistration | undefined {
    return this.registrations.get(token);
  }

  unregister(token: string): boolean {
    return this.registrations.delete(token);
  }

  setFaults(token: string, spec: Partial<TinyWebhookFaults>): TinyWebhookFaults {
    const merged = { ...DEFAULT_FAULTS, ...spec };
    this.faults.set(token, { spec: merged, random: seeded(merged.seed) });
    return merged;
  }

  faultsOf(token: string): TinyWebhookFaults {
    return this.faults.get(token)?.spec ?? DEFAULT_FAULTS;
  }

  clearFaults(token?: string): void {
    if (token === undefined) this.faults.clear();
    else this.faults.delete(token);
  }

  /** Draws from the account's seeded generator (reproducible duplicates). */
  chance(token: string, rate: number): boolean {
    if (rate <= 0) return false;
    if (rate >= 1) return true;
    const random = this.faults.get(token)?.random ?? Math.random;
    return random() < rate;
  }

  settings(): TinyWebhookSettings {
    return this.currentSettings;
  }

  updateSettings(changes: Partial<TinyWebhookSettings>): TinyWebhookSettings {
    this.currentSettings = { ...this.currentSettings, ...changes };
    return this.currentSettings;
  }

  recordAttempt(token: string, attempt: TinyWebhookAttempt): void {
    this.listOf(this.attempts, token).push(attempt);
  }

  attemptsOf(token: string): TinyWebhookAttempt[] {
    return this.attempts.get(token) ?? [];
  }

  recordProductMappings(token: string, record: TinyProductMappingRecord, productIds: number[]): void {
    this.listOf(this.productMappings, token).push(record);
    let byProduct = this.mappings.get(token);
    if (!byProduct) {
      byProduct = new Map();
      this.mappings.set(token, byProduct);
    }
    // ASSUMPTION (docs/contracts.md#tiny-produto): the flat array answers the products in the order they were sent (product, then variations).
    record.mappings.forEach((mapping, index) => {
      const productId = productIds[index];
      if (productId !== undefined && !mapping.error) byProduct.set(productId, mapping);
    });
  }

  productMappingsOf(token: string): TinyProductMappingRecord[] {
    return this.productMappings.get(token) ?? [];
  }

  mappingOf(token: string, productId: number): TinyProductMapping | undefined {
    return this.mappings.get(token)?.get(productId);
  }

  /** Forgets the recorded attempts (registrations, mappings and faults stay). */
  clearAttempts(token: string): void {
    this.attempts.delete(token);
    this.productMappings.delete(token);
  }

  reset(): void {
    this.registrations.clear();
    this.faults.clear();
    this.attempts.clear();
    this.productMappings.clear();
    this.mappings.clear();
    this.currentSettings = this.defaultSettings();
  }

  private defaultSettings(): TinyWebhookSettings {
    return { timeScale: this.config.webhookTimeScale, concurrency: 1, timeoutMs: 10_000 };
  }

  private listOf<T>(map: Map<string, T[]>, token: string): T[] {
    let list = map.get(token);
    if (!list) {
      list = [];
      map.set(token, list);
    }
    return list;
  }
}
