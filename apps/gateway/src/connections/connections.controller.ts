import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { principalOf } from '../access/principal';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ConnectionView, CreateConnectionDto, RotateWebhookSecretDto, UpdateConnectionDto } from './connection.dto';
import { ConnectionsService } from './connections.service';
import { WebhookConnectionCache } from '../webhooks/webhook-connection.cache';

@ApiTags('connections')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService, private readonly webhookCache: WebhookConnectionCache) {}

  @Post()
  @ApiOperation({ summary: 'Create a connection (not installed, or not configured when credentials are given)' })
  @ApiOkResponse({ type: ConnectionView })
  create(@Body() dto: CreateConnectionDto, @Req() req: Request): Promise<ConnectionView> {
    if (principalOf(req).connectionIds !== null) throw new ForbiddenException('this key is limited to some connections and cannot create one');
    return this.connections.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: [ConnectionView] })
  list(@Req() req: Request): Promise<ConnectionView[]> {
    return this.connections.list(principalOf(req).connectionIds);
  }

  @Get(':id')
  @ApiOkResponse({ type: ConnectionView })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ConnectionView> {
    return this.connections.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change fields; changing a credential, the CNPJ or a base URL requires activating again' })
  @ApiOkResponse({ type: ConnectionView })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateConnectionDto): Promise<ConnectionView> {
    return this.connections.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.connections.remove(id);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify the Tiny token and the Ideris key with a real call to each API, then activate' })
  @ApiOkResponse({ type: ConnectionView })
  activate(@Param('id', ParseUUIDPipe) id: string): Promise<ConnectionView> {
    return this.connections.activate(id);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop syncing this connection (kept, can be activated again)' })
  @ApiOkResponse({ type: ConnectionView })
  deactivate(@Param('id', ParseUUIDPipe) id: string): Promise<ConnectionView> {
    return this.connections.deactivate(id);
  }

  @Post(':id/webhook-secret/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: "Issue a new webhook secret (new URLs to paste into Tiny); the old one is still accepted during the grace period" })
  @ApiOkResponse({ type: ConnectionView })
  async rotateWebhookSecret(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RotateWebhookSecretDto): Promise<ConnectionView> {
    const view = await this.connections.rotateWebhookSecret(id, dto.graceHours ?? 24);
    this.webhookCache.invalidate(id);
    return view;
  }
}
