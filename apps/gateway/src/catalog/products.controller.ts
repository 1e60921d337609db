import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PRODUCT_SYNC_DIRECTIONS, PRODUCT_SYNC_STATES, ProductImportBody, ProductRpcSubjects } from '@hub/contracts';
import { ServiceRpc } from '../admin/rpc-client';
import { ApiKeyGuard } from '../common/api-key.guard';
import { PageQuery } from '../common/page-query';

export class ListProductsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PRODUCT_SYNC_STATES })
  @IsOptional()
  @IsIn(PRODUCT_SYNC_STATES)
  state?: string;

  @ApiPropertyOptional({ enum: PRODUCT_SYNC_DIRECTIONS })
  @IsOptional()
  @IsIn(PRODUCT_SYNC_DIRECTIONS)
  direction?: string;

  @ApiPropertyOptional({ description: 'SKU prefix' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  sku?: string;
}

/** Products both ways: bindings (SKU ⇄ Tiny product ⇄ Ideris SKU/listing model), sync state, reprocessing, imports from Ideris. */
@ApiTags('products')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/connections/:connectionId')
export class ProductsController {
  constructor(private readonly rpc: ServiceRpc) {}

  @Get('products')
  @ApiOperation({ summary: 'Products with their bindings and sync state (direction, state, last outcome, last error), most recently changed first' })
  list(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: ListProductsQuery) {
    return this.rpc.ask(ProductRpcSubjects.list, { connectionId, ...query });
  }

  @Get('products/:sku')
  @ApiOperation({ summary: "One product (by its SKU or a variation's): bindings of the product and its variations, kit composition, journal" })
  get(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('sku') sku: string) {
    return this.rpc.ask(ProductRpcSubjects.get, { connectionId, sku });
  }

  @Post('products/:sku/reprocess')
  @HttpCode(200)
  @ApiOperation({ summary: "Run the product's last work again (push to Ideris or write to Tiny), even if the other side seems to hold it" })
  reprocess(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('sku') sku: string) {
    return this.rpc.ask(ProductRpcSubjects.reprocess, { connectionId, sku });
  }

  @Post('product-imports')
  @HttpCode(202)
  @ApiOperation({ summary: 'Import products from Ideris into Tiny: every listing model, or the SKUs given (409 while one runs)' })
  startImport(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Body() body: ProductImportBody) {
    return this.rpc.ask(ProductRpcSubjects.importStart, { connectionId, skus: body.skus });
  }

  @Get('product-imports')
  @ApiOperation({ summary: 'Recent imports from Ideris with their progress, newest first' })
  listImports(@Param('connectionId', ParseUUIDPipe) connectionId: string) {
    return this.rpc.ask(ProductRpcSubjects.importList, { connectionId });
  }

  @Get('product-imports/:importId')
  @ApiOperation({ summary: 'One import: listing models read, queued, unchanged, skipped; products created, updated, failed; remaining' })
  getImport(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('importId', ParseIntPipe) importId: number) {
    return this.rpc.ask(ProductRpcSubjects.importGet, { connectionId, id: String(importId) });
  }
}
