import { createHash } from 'node:crypto';
import { Body, Controller, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CallStatsStore } from '../common/call-stats.store';
import { FaultStore, sleep } from '../common/fault.store';
import { isRecord } from '../common/request-params';
import { SANDBOX_CONFIG, type SandboxConfig } from '../sandbox.config';
import { Inject } from '@nestjs/common';
import { IderisAccountStore, type IderisAccount } from './ideris-account.store';
import { IderisDataStore, type IderisAccountData, type IderisNotificationReceipt } from './ideris-data.store';

type Kind = 'nota_fiscal' | 'rastreio';
const ROUTE_KINDS: Record<string, Kind> = { 'nota-fiscal': 'nota_fiscal', rastreio: 'rastreio' };

/**
 * The two URLs Ideris support gives a seller for Tiny's notifications ("URL para envio da nota fiscal", "URL para
 * envio de rastreio"). ASSUMPTION (docs/contracts.md#ideris-url-answers) (nothing public describes the receiver): it takes Tiny's own notification format,
 * answers 200 once it has the fact, offers no read-back, and applies a fact it already has once (keyed like
 * `dedupKey` below). Faults come from the shared fault store (`system: ideris`, endpoint `notifications/nota-fiscal`
 * or `notifications/rastreio`, account = the private key): an HTTP status (a 3xx with its `location`), latency, or
 * `commitThenDrop`. `idNotaFiscalTiny` is taken as Tiny sends it, a number or a string.
 */
@Controller()
export class IderisNotificationsController {
  private seq = 0;

  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly accounts: IderisAccountStore,
    private readonly data: IderisDataStore,
    private readonly faults: FaultStore,
    private readonly stats: CallStatsStore,
  ) {}

  /** Control: the seller's two receiving URLs (what Ideris support would hand out). */
  @Post('control/ideris/notification-urls')
  urls(@Body() raw: unknown, @Req() req: Request): { sellerKey: string; invoiceUrl: string; trackingUrl: string } {
    const account = this.account(raw);
    const base = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}/ideris/notifications/${sellerKeyOf(account)}`;
    return { sellerKey: sellerKeyOf(account), invoiceUrl: `${base}/nota-fiscal`, trackingUrl: `${base}/rastreio` };
  }

  /** Control: the journal of what the seller's URLs received, with counts per kind. */
  @Get('control/ideris/notifications')
  journal(@Query('privateKey') privateKey: string | undefined): { counts: Record<Kind, NotificationCounts>; receipts: IderisNotificationReceipt[] } {
    const account = this.account({ privateKey });
    const receipts = this.data.of(account.privateKey).notifications ?? [];
    return { counts: { nota_fiscal: countsOf(receipts, 'nota_fiscal'), rastreio: countsOf(receipts, 'rastreio') }, receipts };
  }

  @Post('ideris/notifications/:sellerKey/:route')
  async receive(@Param('sellerKey') sellerKey: string, @Param('route') route: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const kind = ROUTE_KINDS[route];
    const account = this.accounts.list().find((candidate) => sellerKeyOf(candidate) === sellerKey);
    if (!kind || !account) {
      res.status(404).json({ Message: 'Not found.' });
      return;
    }
    const accountData = this.data.of(account.privateKey);
    const endpoint = `notifications/${route}`;
    const receipt = (fields: Partial<IderisNotificationReceipt>): IderisNotificationReceipt => {
      const entry: IderisNotificationReceipt = { seq: ++this.seq, at: new Date().toISOString(), kind, dedupKey: null, processed: false, repeat: false, orderId: null, answered: 200, body, ...fields };
      (accountData.notifications ??= []).push(entry);
      return entry;
    };
    const fault = this.faults.take('ideris', account.privateKey, endpoint);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.httpStatus) {
      receipt({ answered: fault.httpStatus, detail: 'injected fault' });
      this.stats.record('ideris', account.privateKey, endpoint, 'error', this.config.now());
      if (fault.location) res.setHeader('location', fault.location);
      res.status(fault.httpStatus).json({ Message: 'An error has occurred.' });
      return;
    }
    const problem = problemOf(kind, body);
    if (problem) {
      receipt({ answered: 400, detail: problem });
      this.stats.record('ideris', account.privateKey, endpoint, 'error', this.config.now());
      res.status(400).json({ Message: problem });
      return;
    }
    const notification = body as Notification;
    const key = dedupKey(kind, notification.dados);
    const first = (accountData.notifications ?? []).find((entry) => entry.processed && entry.dedupKey === key);
    const orderId = this.apply(accountData, kind, notification.dados, !!first);
    receipt({
      dedupKey: key,
      processed: true,
      repeat: !!first,
      sameAsFirst: first ? JSON.stringify(first.body) === JSON.stringify(body) : undefined,
      orderId,
      answered: fault?.commitThenDrop ? 'dropped' : 200,
    });
    this.stats.record('ideris', account.privateKey, endpoint, 'ok', this.config.now());
    if (fault?.commitThenDrop) {
      req.socket.destroy();
      return;
    }
    res.status(200).json({ ok: true });
  }

  /** The fact lands on the Ideris order named by `idPedidoEcommerce` (the marketplace number), once per key. */
  private apply(accountData: IderisAccountData, kind: Kind, dados: Record<string, unknown>, repeat: boolean): number | null {
    const order = accountData.orders.find((candidate) => candidate.code === String(dados['idPedidoEcommerce'] ?? ''));
    if (!order || repeat) return order?.id ?? null;
    if (kind === 'nota_fiscal') {
      const key = String(dados['chaveAcesso']);
      const cancelled = String(dados['situacao'] ?? '') === '3';
      this.data.recordChange(accountData, { orderId: order.id, kind: 'invoice', by: 'api', value: cancelled ? `cancelled:${key}` : key, previous: order.invoice?.key });
      order.invoice = { key, number: String(dados['numero']), series: String(dados['serie'] ?? ''), issuedAt: String(dados['dataEmissao']), danfeUrl: String(dados['urlDanfe'] ?? '') || undefined, cancelled };
    } else {
      const code = String(dados['codigoRastreio']);
      this.data.recordChange(accountData, { orderId: order.id, kind: 'tracking', by: 'api', value: code, previous: order.deliveryTrackingCode ?? undefined });
      order.deliveryTrackingCode = code;
      order.trackingUrl = String(dados['urlRastreio'] ?? '') || undefined;
      order.carrier = String(dados['transportadora'] ?? '') || undefined;
    }
    return order.id;
  }

  private account(raw: unknown): IderisAccount {
    const privateKey = isRecord(raw) && typeof raw['privateKey'] === 'string' ? raw['privateKey'] : undefined;
    const account = privateKey ? this.accounts.findByKey(privateKey) : undefined;
    if (!account) throw new NotFoundException('unknown Ideris privateKey');
    return account;
  }
}

interface Notification {
  versao: string;
  cnpj: string;
  tipo: Kind;
  dados: Record<string, unknown>;
}

export interface NotificationCounts {
  /** POSTs received, whatever was answered. */
  posts: number;
  /** Distinct facts processed (keys). */
  distinct: number;
  /** Processed deliveries of a key already processed (what a receiver that did not de-duplicate would count twice). */
  repeats: number;
  /** Repeats whose body differed from the first delivery of the key. */
  repeatsDiffering: number;
  /** Processed whose answer was cut (the sender could not know). */
  dropped: number;
  faulted: number;
  refused: number;
}

function countsOf(receipts: IderisNotificationReceipt[], kind: Kind): NotificationCounts {
  const mine = receipts.filter((entry) => entry.kind === kind);
  const processed = mine.filter((entry) => entry.processed);
  return {
    posts: mine.length,
    distinct: new Set(processed.map((entry) => entry.dedupKey)).size,
    repeats: processed.filter((entry) => entry.repeat).length,
    repeatsDiffering: processed.filter((entry) => entry.repeat && entry.sameAsFirst === false).length,
    dropped: processed.filter((entry) => entry.answered === 'dropped').length,
    faulted: mine.filter((entry) => !entry.processed && entry.detail === 'injected fault').length,
    refused: mine.filter((entry) => entry.answered === 400).length,
  };
}

/** Tiny's envelope and the fields a receiver cannot do without (tiny-api.md §7.2). */
function problemOf(kind: Kind, body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body['dados'])) return 'the body is not a Tiny notification ({versao, cnpj, tipo, dados})';
  if (body['tipo'] !== kind) return `tipo must be ${kind} at this URL`;
  if (typeof body['versao'] !== 'string' || !/^\d{14}$/.test(String(body['cnpj']))) return 'versao and a 14-digit cnpj are required';
  const dados = body['dados'];
  const required = kind === 'nota_fiscal' ? ['idNotaFiscalTiny', 'numero', 'chaveAcesso', 'dataEmissao'] : ['idVendaTiny', 'codigoRastreio'];
  const missing = required.filter((field) => dados[field] === undefined || String(dados[field]).trim() === '');
  if (missing.length > 0) return `dados lacks ${missing.join(', ')}`;
  if (kind === 'nota_fiscal' && !/^\d{44}$/.test(String(dados['chaveAcesso']))) return 'chaveAcesso must have 44 digits';
  if (kind === 'nota_fiscal' && !/^\d{2}\/\d{2}\/\d{4}$/.test(String(dados['dataEmissao']))) return 'dataEmissao must be dd/mm/yyyy';
  return undefined;
}

function dedupKey(kind: Kind, dados: Record<string, unknown>): string {
  if (kind === 'nota_fiscal') return `nota_fiscal:${String(dados['idNotaFiscalTiny'])}:${String(dados['situacao'] ?? '') === '3' ? 'cancelled' : 'issued'}`;
  return `rastreio:${String(dados['idVendaTiny'])}:${String(dados['codigoRastreio'])}`;
}

/** Stable per seller and unguessable without the key, like a URL with a token in it. */
function sellerKeyOf(account: IderisAccount): string {
  return createHash('sha256').update(`ideris-notifications:${account.privateKey}`).digest('hex').slice(0, 24);
}
