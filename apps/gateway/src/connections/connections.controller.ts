import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ConnectionView, CreateConnectionDto, UpdateConnectionDto } from './connection.dto';
import { ConnectionsService } from './connections.service';

@ApiTags('connections')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a connection (not installed, or not configured when credentials are given)' })
  @ApiOkResponse({ type: ConnectionView })
  create(@Body() dto: CreateConnectionDto): Promise<ConnectionView> {
    return this.connections.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: [ConnectionView] })
  list(): Promise<ConnectionView[]> {
    return this.connections.list();
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
}
