import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PRICE_CONFIRMATION_STATUSES, PriceRpcSubjects, PriceRulesBody } from '@hub/contracts';
import { ServiceRpc } from '../admin/rpc-client';
import { ApiKeyGuard } from '../common/api-key.guard';

export class ListPriceConfirmationsQuery {
  @ApiPropertyOptional({ enum: [...PRICE_CONFIRMATION_STATUSES, 'all'], default: 'pending' })
  @IsOptional()
  @IsIn([...PRICE_CONFIRMATION_STATUSES, 'all'])
  status?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** Prices Tiny → Ideris: the per-marketplace rules and the drop guard's "needs confirmation" queue. */
@ApiTags('prices')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/connections/:connectionId')
export class PricesController {
  constructor(private readonly rpc: ServiceRpc) {}

  @Get('price-rules')
  @ApiOperation({ summary: 'The price rules (default and per Ideris marketplace account) and the drop guard limit' })
  getRules(@Param('connectionId', ParseUUIDPipe) connectionId: string) {
    return this.rpc.ask(PriceRpcSubjects.rulesGet, { connectionId });
  }

  @Put('price-rules')
  @ApiOperation({ summary: 'Replace the price rules; they apply to prices pushed from now on' })
  putRules(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Body() body: PriceRulesBody) {
    return this.rpc.ask(PriceRpcSubjects.rulesPut, { connectionId, body });
  }

  @Get('price-confirmations')
  @ApiOperation({ summary: 'Price drops the guard parked, with the old and new price (default: pending only)' })
  list(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: ListPriceConfirmationsQuery) {
    return this.rpc.ask(PriceRpcSubjects.confirmationsList, { connectionId, ...query });
  }

  @Post('price-confirmations/:id/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Push a parked drop to Ideris now' })
  confirm(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('id', ParseIntPipe) id: number) {
    return this.rpc.ask(PriceRpcSubjects.confirm, { connectionId, id: String(id) }, 60_000);
  }

  @Post('price-confirmations/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Drop a parked price: Ideris keeps the price it has' })
  reject(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('id', ParseIntPipe) id: number) {
    return this.rpc.ask(PriceRpcSubjects.reject, { connectionId, id: String(id) });
  }
}
