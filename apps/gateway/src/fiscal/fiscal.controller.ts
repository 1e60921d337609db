import { Controller, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RpcSubjects } from '@hub/contracts';
import { ServiceRpc } from '../admin/rpc-client';
import { ApiKeyGuard } from '../common/api-key.guard';

/** Invoices and tracking sent to Ideris for an imported order: state, reasons, and the two admin actions. */
@ApiTags('fiscal')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/connections/:connectionId/fiscal/orders/:iderisOrderId')
export class FiscalController {
  constructor(private readonly rpc: ServiceRpc) {}

  @Get()
  @ApiOperation({ summary: "The order's invoices and tracking as sent to Ideris, with why anything waits" })
  get(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('iderisOrderId', ParseIntPipe) iderisOrderId: number) {
    return this.rpc.ask(RpcSubjects.fiscalOrderGet, { connectionId, iderisOrderId });
  }

  @Post('send-tracking')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the tracking prerequisites now and send if they hold (idempotent: an order already sent answers what was sent)' })
  sendTracking(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('iderisOrderId', ParseIntPipe) iderisOrderId: number) {
    return this.rpc.ask(RpcSubjects.fiscalSendTracking, { connectionId, iderisOrderId }, 60_000);
  }

  @Post('resend-invoice')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the invoice if Ideris does not have it yet (idempotent: one already confirmed answers what was sent)' })
  resendInvoice(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Param('iderisOrderId', ParseIntPipe) iderisOrderId: number) {
    return this.rpc.ask(RpcSubjects.fiscalResendInvoice, { connectionId, iderisOrderId }, 60_000);
  }
}
