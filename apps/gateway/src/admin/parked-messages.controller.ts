import { BadRequestException, Controller, Get, GatewayTimeoutException, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { firstValueFrom, timeout } from 'rxjs';
import { RpcSubjects, SERVICES, type ParkedMessageView, type RedriveResult, type ServiceName } from '@hub/contracts';
import { ApiKeyGuard } from '../common/api-key.guard';

export const RPC_CLIENT = Symbol('RPC_CLIENT');

/** Parked (dead-lettered) messages of every service, asked over NATS request/reply. */
@ApiTags('operations')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/services/:service/parked-messages')
export class ParkedMessagesController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: ClientProxy) {}

  @Get()
  @ApiOperation({ summary: "List a service's parked messages (newest first)" })
  @ApiQuery({ name: 'consumer', required: false })
  @ApiQuery({ name: 'includeRedriven', required: false, type: Boolean })
  list(@Param('service') service: string, @Query('consumer') consumer?: string, @Query('includeRedriven') includeRedriven?: string): Promise<ParkedMessageView[]> {
    return this.ask(RpcSubjects.parkedList(this.service(service)), { consumer, includeRedriven: includeRedriven === 'true' });
  }

  @Post(':id/redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish a parked message again for its consumer (handled once, thanks to the inbox)' })
  redrive(@Param('service') service: string, @Param('id', ParseUUIDPipe) id: string): Promise<RedriveResult> {
    return this.ask(RpcSubjects.parkedRedrive(this.service(service)), { id });
  }

  private service(name: string): ServiceName {
    if (!(SERVICES as readonly string[]).includes(name)) throw new BadRequestException(`service must be one of ${SERVICES.join(', ')}`);
    return name as ServiceName;
  }

  private async ask<T>(subject: string, data: object): Promise<T> {
    try {
      return await firstValueFrom(this.rpc.send<T>(subject, data).pipe(timeout(5000)));
    } catch (error) {
      throw new GatewayTimeoutException(`the service did not answer: ${(error as Error).message}`);
    }
  }
}
