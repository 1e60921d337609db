import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { OrderFilter } from '@hub/contracts';
import { PageQuery } from '../common/page-query';

export const ORDER_STATES = ['discovered', 'imported', 'needs_mapping', 'invalid', 'cancelled_before_import', 'refused', 'skipped'] as const;
export const WORK_STATUSES = ['queued', 'running', 'done', 'gave_up'] as const;

/** A page of orders: state and worker status, and the marketplace and day range (`OrderFilter`, 400 with the reason when invalid). */
export class ListOrdersQuery extends IntersectionType(PageQuery, OrderFilter) {
  @ApiPropertyOptional({ enum: ORDER_STATES, description: 'Business outcome' })
  @IsOptional()
  @IsIn(ORDER_STATES)
  state?: string;

  @ApiPropertyOptional({ enum: WORK_STATUSES, description: "The worker's status (gave_up = retries exhausted)" })
  @IsOptional()
  @IsIn(WORK_STATUSES)
  workStatus?: string;
}

/** The parked orders of the list's marketplace and day filter, so the count the list shows is the count queued. */
export class ReprocessParkedQuery extends OrderFilter {
  @ApiPropertyOptional({ enum: ['needs_mapping', 'invalid', 'refused', 'discovered'], description: 'Default: every parked kind and every order whose worker gave up' })
  @IsOptional()
  @IsIn(['needs_mapping', 'invalid', 'refused', 'discovered'])
  state?: string;
}

export class PutSkuMappingDto {
  @ApiProperty({ example: 'CAM-AZ-M', description: 'Tiny product code the marketplace SKU (or listing code) stands for' })
  @IsString()
  @Length(1, 120)
  tinyProductCode: string;
}
