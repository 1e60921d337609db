import { BadRequestException, Body, Controller, Delete, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { CallStatsStore } from '../common/call-stats.store';
import { FaultStore, type ActiveFault, type FaultSpec } from '../common/fault.store';
import { IderisAccountStore } from '../ideris/ideris-account.store';
import { IderisAuthService } from '../ideris/ideris-auth.service';
import { IderisDataStore } from '../ideris/ideris-data.store';
import { TinyAccountStore } from '../tiny/tiny-account.store';
import { TinyDataStore } from '../tiny/tiny-data.store';
import { TinyWebhookSender } from '../tiny/webhooks/tiny-webhook.sender';
import { TinyWebhookStore } from '../tiny/webhooks/tiny-webhook.store';
import { optionalPositiveInt, optionalString, requireRecord, requireString } from './control-input';

@Controller('control')
export class ControlController {
  constructor(
    private readonly tinyAccounts: TinyAccountStore,
    private readonly tinyData: TinyDataStore,
    private readonly iderisAccounts: IderisAccountStore,
    private readonly iderisData: IderisDataStore,
    private readonly iderisAuth: IderisAuthService,
    private readonly stats: CallStatsStore,
    private readonly faults: FaultStore,
    private readonly webhookStore: TinyWebhookStore,
    private readonly webhookSender: TinyWebhookSender,
  ) {}

  @Post('reset')
  @HttpCode(204)
  reset(): void {
    this.tinyAccounts.reset();
    this.tinyData.reset();
    this.iderisAccounts.reset();
    this.iderisData.reset();
    this.stats.reset();
    this.faults.clear();
    this.webhookSender.reset();
    this.webhookStore.reset();
  }

  @Post('tiny/accounts')
  createTinyAccount(@Body() raw: unknown): { token: string; cnpj: string; razaoSocial: string; limitPerMinute: number } {
    const body = requireRecord(raw);
    const account = this.tinyAccounts.upsert({
      token: requireString(body, 'token'),
      cnpj: requireString(body, 'cnpj'),
      razaoSocial: optionalString(body, 'razaoSocial'),
      email: optionalString(body, 'email'),
      limitPerMinute: optionalPositiveInt(body, 'limitPerMinute'),
    });
    return { token: account.token, cnpj: account.cnpj, razaoSocial: account.razaoSocial, limitPerMinute: account.limitPerMinute };
  }

  @Post('ideris/accounts')
  createIderisAccount(@Body() raw: unknown): { privateKeyId: string; limitPerMinute: number } {
    const body = requireRecord(raw);
    const account = this.iderisAccounts.upsert({
      privateKey: requireString(body, 'privateKey'),
      limitPerMinute: optionalPositiveInt(body, 'limitPerMinute'),
      tokenTtlSeconds: optionalPositiveInt(body, 'tokenTtlSeconds'),
    });
    return { privateKeyId: account.privateKeyId, limitPerMinute: account.limitPerMinute };
  }

  /** Invalidates every JWT issued so far for the key, so the next call answers 401 (tests re-login). */
  @Post('ideris/revoke-tokens')
  @HttpCode(204)
  revokeIderisTokens(@Body() raw: unknown): void {
    if (!this.iderisAuth.revokeTokens(requireString(requireRecord(raw), 'privateKey'))) throw new NotFoundException('unknown privateKey');
  }

  @Get('ideris/accounts')
  listIderisAccounts(): Array<{ privateKeyId: string; limitPerMinute: number; logins: number }> {
    return this.iderisAccounts.list().map(({ privateKeyId, limitPerMinute, logins }) => ({ privateKeyId, limitPerMinute, logins }));
  }

  @Get('calls')
  calls(): ReturnType<CallStatsStore['snapshot']> {
    return this.stats.snapshot();
  }

  @Post('faults')
  addFault(@Body() raw: unknown): ActiveFault {
    return this.faults.add(parseFault(requireRecord(raw)));
  }

  @Get('faults')
  listFaults(): ActiveFault[] {
    return this.faults.list();
  }

  @Delete('faults')
  @HttpCode(204)
  clearFaults(): void {
    this.faults.clear();
  }
}

function parseFault(body: Record<string, unknown>): FaultSpec {
  const system = body['system'];
  if (system !== 'tiny' && system !== 'ideris') throw new BadRequestException('system must be "tiny" or "ideris"');
  const httpStatus = optionalPositiveInt(body, 'httpStatus');
  if (httpStatus !== undefined && (httpStatus < 300 || httpStatus > 599)) throw new BadRequestException('httpStatus must be 3xx, 4xx or 5xx');
  return {
    system,
    account: optionalString(body, 'account'),
    endpoint: optionalString(body, 'endpoint')?.replace(/\.php$/i, '').toLowerCase(),
    latencyMs: optionalPositiveInt(body, 'latencyMs'),
    httpStatus,
    location: optionalString(body, 'location'),
    tinyCodigoErro: optionalPositiveInt(body, 'tinyCodigoErro'),
    commitThenDrop: body['commitThenDrop'] === true,
    malformedBody: body['malformedBody'] === true,
    times: optionalPositiveInt(body, 'times'),
    skip: optionalPositiveInt(body, 'skip'),
    every: optionalPositiveInt(body, 'every'),
  };
}
