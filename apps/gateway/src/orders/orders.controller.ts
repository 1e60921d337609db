import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RpcSubjects } from '@hub/contracts';
import { ServiceRpc } from '../admin/rpc-client';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ListOrdersQuery, PutSkuMappingDto, ReprocessParkedQuery } from './orders.dto';

/** A seller operator's view of order import: states, history, reprocessing, SKU de-para, lançar estoque. */
@ApiTags('orders')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/connections/:connectionId')
export class OrdersController {
  constructor(private readonly rpc: ServiceRpc) {}

  @Get('orders')
  @ApiOperation({ summary: 'Orders with their sync state (business outcome) and work status, newest first (by when the hub saw them), with counts per state under the same marketplace and day filter' })
  list(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: ListOrdersQuery) {
    return this.rpc.ask(RpcSubjects.ordersList, { connectionId, ...query });
  }

  @Get('orders/:iderisOrderId')
  @ApiOperation({ summary: "One order's state and history" })
  get(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('iderisOrderId', ParseIntPipe) iderisOrderId: number) {
    return this.rpc.ask(RpcSubjects.ordersGet, { connectionId, iderisOrderId });
  }

  @Post('orders/:iderisOrderId/reprocess')
  @HttpCode(202)
  reprocess(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('iderisOrderId', ParseIntPipe) iderisOrderId: number) {
    return this.rpc.ask(RpcSubjects.ordersReprocess, { connectionId, iderisOrderId });
  }

  @Post('orders/reprocess-parked')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue again every parked order of a kind (and every one whose worker gave up), within the marketplace and day filter' })
  reprocessParked(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: ReprocessParkedQuery) {
    return this.rpc.ask(RpcSubjects.ordersReprocessParked, { connectionId, ...query });
  }

  @Post('orders/:iderisOrderId/post-stock')
  @HttpCode(200)
  @ApiOperation({ summary: '"Lançar estoque" of an imported order in Tiny (idempotent)' })
  postStock(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('iderisOrderId', ParseIntPipe) iderisOrderId: number) {
    return this.rpc.ask(RpcSubjects.ordersPostStock, { connectionId, iderisOrderId }, 60_000);
  }

  @Get('orders-polling')
  @ApiOperation({ summary: 'The Ideris poller of this connection: watermark, interval, problems (unreadable ranges)' })
  polling(@Param('connectionId', ParseUUIDPipe) connectionId: string) {
    return this.rpc.ask(RpcSubjects.pollState, { connectionId });
  }

  @Get('sku-mappings')
  skuMappings(@Param('connectionId', ParseUUIDPipe) connectionId: string) {
    return this.rpc.ask(RpcSubjects.skuMappingList, { connectionId });
  }

  @Put('sku-mappings/:kind/:marketplaceValue')
  @ApiParam({ name: 'kind', enum: ['sku', 'listing'] })
  @ApiOperation({ summary: 'Map a marketplace SKU (or listing code) to a Tiny product code; parked orders waiting for it are queued again' })
  putSkuMapping(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('kind') kind: string, @Param('marketplaceValue') marketplaceValue: string, @Body() dto: PutSkuMappingDto) {
    return this.rpc.ask(RpcSubjects.skuMappingPut, { connectionId, kind, marketplaceValue, tinyProductCode: dto.tinyProductCode });
  }

  @Delete('sku-mappings/:kind/:marketplaceValue')
  deleteSkuMapping(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('kind') kind: string, @Param('marketplaceValue') marketplaceValue: string) {
    return this.rpc.ask(RpcSubjects.skuMappingDelete, { connectionId, kind, marketplaceValue });
  }
}
