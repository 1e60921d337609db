import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { FLOWS, WORK_STATUSES } from '@hub/contracts';
import { PageQuery } from '../common/page-query';

const SITUATIONS = ['not_installed', 'not_configured', 'active', 'inactive'] as const;
const HEALTHS = ['ok', 'late', 'failing', 'inactive', 'not_set_up'] as const;

export class OverviewQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SITUATIONS })
  @IsOptional()
  @IsIn(SITUATIONS)
  situation?: string;

  @ApiPropertyOptional({ enum: HEALTHS })
  @IsOptional()
  @IsIn(HEALTHS)
  health?: (typeof HEALTHS)[number];

  @ApiPropertyOptional({ description: 'Part of the name, or digits of the CNPJ' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  q?: string;
}

export class FailureGroupsQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ enum: FLOWS })
  @IsOptional()
  @IsIn(FLOWS)
  flow?: (typeof FLOWS)[number];
}

export class RetryFilter extends FailureGroupsQuery {
  @ApiPropertyOptional({ description: 'A reason code (docs/reason-codes.md)' })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  reasonCode?: string;

  @ApiPropertyOptional({ description: 'Exact id: Ideris order id, marketplace number, Tiny order id/number, NF-e key, SKU' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  q?: string;
}

export class FailuresQuery extends RetryFilter {
  @ApiPropertyOptional({ enum: WORK_STATUSES })
  @IsOptional()
  @IsIn(WORK_STATUSES)
  status?: (typeof WORK_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Only items created more than this many minutes ago' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  olderThanMinutes?: number;

  @ApiPropertyOptional({ maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

export class ItemQuery {
  @ApiProperty({ description: 'The item\'s `ref` from a list' })
  @IsString()
  @Length(3, 400)
  ref: string;
}

export class RetryBody {
  @ApiPropertyOptional({ type: [String], description: 'Items to retry (refs from a list)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  refs?: string[];

  @ApiPropertyOptional({ type: RetryFilter, description: 'Or every failure matching this filter' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryFilter)
  filter?: RetryFilter;
}

export class SearchQuery {
  @ApiProperty({ description: 'Ideris order id, marketplace number, Tiny order id/number, NF-e key (44 digits), SKU, connection name or CNPJ' })
  @IsString()
  @Length(1, 120)
  q: string;
}

export class ActivityQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ default: 24, maximum: 168 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(168)
  hours?: number;
}

export class TinyProductsQuery {
  @ApiProperty({ description: 'A product code (SKU) or GTIN' })
  @IsString()
  @Length(1, 120)
  q: string;
}
