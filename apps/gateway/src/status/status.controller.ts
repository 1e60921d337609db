import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { ResolveAttentionBody, RpcSubjects, StatusMapBody } from '@hub/contracts';
import { ServiceRpc } from '../admin/rpc-client';
import { ApiKeyGuard } from '../common/api-key.guard';
import { PageQuery } from '../common/page-query';

export class ListOrderStatusesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only orders cancelled in the marketplace after Tiny worked on them, not yet resolved' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => value === true || value === 'true')
  @IsBoolean()
  needsAttention?: boolean;
}

/** Order status sync: the per-connection status map, both sides' states, and "needs attention" orders. */
@ApiTags('status')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/connections/:connectionId')
export class StatusController {
  constructor(private readonly rpc: ServiceRpc) {}

  @Get('status-map')
  @ApiOperation({ summary: 'The status map (Tiny situation ⇄ Ideris status id); built from the Ideris catalogue until an operator sets one' })
  getMap(@Param('connectionId', ParseUUIDPipe) connectionId: string) {
    return this.rpc.ask(RpcSubjects.statusMapGet, { connectionId }, 30_000);
  }

  @Put('status-map')
  @ApiOperation({ summary: 'Replace the status map (system and seller-defined Ideris statuses)' })
  putMap(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Body() map: StatusMapBody) {
    return this.rpc.ask(RpcSubjects.statusMapPut, { connectionId, map: { tinyToIderis: map.tinyToIderis, iderisToTiny: map.iderisToTiny } });
  }

  @Get('status/orders')
  @ApiOperation({ summary: 'Imported orders with both sides’ states, the hub’s own writes per side, and the count needing attention' })
  list(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: ListOrderStatusesQuery) {
    return this.rpc.ask(RpcSubjects.statusOrdersList, { connectionId, ...query });
  }

  @Get('status/orders/:iderisOrderId')
  @ApiOperation({ summary: "One order's states on both sides and its status history" })
  get(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('iderisOrderId', ParseIntPipe) iderisOrderId: number) {
    return this.rpc.ask(RpcSubjects.statusOrderGet, { connectionId, iderisOrderId });
  }

  @Post('status/orders/:iderisOrderId/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve a "needs attention" order: cancel it in Tiny, or keep Tiny as it is' })
  resolve(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('iderisOrderId', ParseIntPipe) iderisOrderId: number, @Body() body: ResolveAttentionBody) {
    return this.rpc.ask(RpcSubjects.statusOrderResolve, { connectionId, iderisOrderId, action: body.action }, 60_000);
  }
}
