import { Body, Controller, Get, Param, ParseIntPipe, ParseUUIDPipe, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RpcSubjects, type MarketplaceAccountList, type MarketplaceAccountView } from '@hub/contracts';
import { ServiceRpc } from '../admin/rpc-client';
import { ApiKeyGuard } from '../common/api-key.guard';
import { MarketplaceAccountDto, MarketplaceAccountListDto, PutMarketplaceAccountDto } from './marketplaces.dto';

/** Per-marketplace selection ("select the marketplace you want to integrate with Tiny"): the seller's Ideris accounts, each on or off. */
@ApiTags('marketplaces')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/connections/:connectionId/marketplaces')
export class MarketplacesController {
  constructor(private readonly rpc: ServiceRpc) {}

  @Get()
  @ApiOperation({
    summary:
      "The seller's Ideris marketplace accounts (read afresh from Ideris when the connection is active) with the operator's choice; not_chosen accounts follow newAccounts (the connection setting newMarketplaceAccounts, default skip)",
  })
  @ApiOkResponse({ type: MarketplaceAccountListDto })
  list(@Param('connectionId', ParseUUIDPipe) connectionId: string): Promise<MarketplaceAccountList> {
    return this.rpc.ask(RpcSubjects.marketplaceAccountList, { connectionId }, 20_000);
  }

  @Put(':accountId')
  @ApiOperation({
    summary:
      "Turn an account on or off, optionally with its own Tiny integration id. Turning it on queues its orders skipped in the last 24 h (the poller's look-back); off skips its new orders (reasonCode marketplace_not_selected)",
  })
  @ApiOkResponse({ type: MarketplaceAccountDto })
  put(
    @Param('connectionId', ParseUUIDPipe) connectionId: string,
    @Param('accountId', ParseIntPipe) accountId: number,
    @Body() dto: PutMarketplaceAccountDto,
  ): Promise<MarketplaceAccountView & { requeued: number }> {
    return this.rpc.ask(RpcSubjects.marketplaceAccountPut, { connectionId, accountId, enabled: dto.enabled, tinyIntegrationId: dto.tinyIntegrationId });
  }
}
