import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { Request } from 'express';
import { ApiKeyGuard } from '../common/api-key.guard';
import { PageQuery } from '../common/page-query';
import { ConnectionsService } from '../connections/connections.service';
import { AccessService } from './access.service';
import { AdminOnly, principalOf, type KeyRights } from './principal';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Agência X — leitura' })
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiProperty({ enum: ['read', 'write'] })
  @IsIn(['read', 'write'])
  rights: KeyRights;

  @ApiPropertyOptional({ type: [String], description: 'The connections this key may see; omitted or empty: all of them' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @IsUUID('4', { each: true })
  connectionIds?: string[];
}

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ description: 'Part of the actor (key name or id)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  actor?: string;
}

@ApiTags('access')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1')
export class AccessController {
  constructor(private readonly access: AccessService, private readonly connections: ConnectionsService) {}

  @Get('me')
  @ApiOperation({ summary: 'What the presented key may do: rights, the connections it sees (null = all), administrator or not' })
  me(@Req() req: Request) {
    const p = principalOf(req);
    return { actor: p.actor, keyId: p.keyId, rights: p.rights, admin: p.admin, connectionIds: p.connectionIds ? [...p.connectionIds] : null };
  }

  @Post('api-keys')
  @AdminOnly()
  @ApiOperation({ summary: 'Create a key (read or write, for all connections or some); the key is in this answer only, it is stored hashed' })
  create(@Body() dto: CreateApiKeyDto, @Req() req: Request) {
    return this.access.create(dto, principalOf(req).actor);
  }

  @Get('api-keys')
  @AdminOnly()
  list() {
    return this.access.list();
  }

  @Delete('api-keys/:keyId')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({ summary: 'Revoke a key (effective on every replica within 5 s)' })
  revoke(@Param('keyId', ParseUUIDPipe) keyId: string) {
    return this.access.revoke(keyId);
  }

  @Get('audit-log')
  @AdminOnly()
  @ApiOperation({ summary: 'Admin writes, newest first: who, what, when, the connection before and after' })
  audit(@Query() query: AuditQuery) {
    return this.access.audit({ connectionId: query.connectionId, actor: query.actor, limit: query.limit ?? 50, offset: query.offset ?? 0 });
  }

  @Post('admin/reseal')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({ summary: 'Re-seal every stored credential under the current HUB_ENCRYPTION_KEY (run after adding a new key with the old one in HUB_ENCRYPTION_KEYS_PREVIOUS)' })
  reseal() {
    return this.connections.resealAll();
  }
}
