import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CatalogRpcSubjects } from '@hub/contracts';
import { ServiceRpc } from '../admin/rpc-client';
import { ApiKeyGuard } from '../common/api-key.guard';

export class StockStateQueryParams {
  @ApiPropertyOptional({ default: 20, maximum: 200, description: 'How many of the latest pushes to list' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

/** Stock Tiny → Ideris: what is pending and why, the latest pushes, problems, and the reconciliation backstops. */
@ApiTags('stock')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/connections/:connectionId/stock')
export class StockController {
  constructor(private readonly rpc: ServiceRpc) {}

  @Get()
  @ApiOperation({ summary: 'Pending SKUs (by reason), latest pushes with their latency, problems, sweep and stock-queue state' })
  state(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: StockStateQueryParams) {
    return this.rpc.ask(CatalogRpcSubjects.stockState, { connectionId, limit: query.limit });
  }

  @Post('sweep')
  @HttpCode(202)
  @ApiOperation({ summary: 'Compare every Ideris SKU with Tiny now (bulk lane; differences are pushed)' })
  sweep(@Param('connectionId', ParseUUIDPipe) connectionId: string) {
    return this.rpc.ask(CatalogRpcSubjects.stockSweepNow, { connectionId });
  }
}
