import { BadRequestException, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RpcSubjects, SERVICES, type ParkedMessageView, type RedriveResult, type ServiceName } from '@hub/contracts';
import { AllConnections } from '../access/principal';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ServiceRpc } from './rpc-client';

/** Parked (dead-lettered) messages of every service, asked over NATS request/reply. */
@ApiTags('operations')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@AllConnections()
@Controller('api/v1/services/:service/parked-messages')
export class ParkedMessagesController {
  constructor(private readonly rpc: ServiceRpc) {}

  @Get()
  @ApiOperation({ summary: "List a service's parked messages (newest first)" })
  @ApiQuery({ name: 'consumer', required: false })
  @ApiQuery({ name: 'includeRedriven', required: false, type: Boolean })
  list(@Param('service') service: string, @Query('consumer') consumer?: string, @Query('includeRedriven') includeRedriven?: string): Promise<ParkedMessageView[]> {
    return this.rpc.ask(RpcSubjects.parkedList(this.service(service)), { consumer, includeRedriven: includeRedriven === 'true' });
  }

  @Post(':id/redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish a parked message again for its consumer (handled once, thanks to the inbox)' })
  redrive(@Param('service') service: string, @Param('id', ParseUUIDPipe) id: string): Promise<RedriveResult> {
    return this.rpc.ask(RpcSubjects.parkedRedrive(this.service(service)), { id });
  }

  private service(name: string): ServiceName {
    if (!(SERVICES as readonly string[]).includes(name)) throw new BadRequestException(`service must be one of ${SERVICES.join(', ')}`);
    return name as ServiceName;
  }
}
