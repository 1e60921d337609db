import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MARKETPLACE_ACCOUNT_STATES, NEW_MARKETPLACE_ACCOUNTS, type MarketplaceAccountState, type NewMarketplaceAccounts } from '@hub/contracts';
import { IsBoolean, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';

export class PutMarketplaceAccountDto {
  @ApiProperty({ description: "Import this account's orders (true) or skip them (false)" })
  @IsBoolean()
  enabled: boolean;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 12345,
    description: "Tiny's integration id (\"Identificador da plataforma\") for this account's orders; null: the connection's; absent: unchanged",
  })
  @IsOptional()
  @ValidateIf((_dto, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  tinyIntegrationId?: number | null;
}

export class MarketplaceAccountDto {
  @ApiProperty({ description: "Ideris's authenticationId" }) accountId: number;
  @ApiProperty({ type: String, nullable: true, example: 'Mercado Livre' }) marketplace: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'LOJA_EXEMPLO' }) name: string | null;
  @ApiProperty({ enum: MARKETPLACE_ACCOUNT_STATES }) state: MarketplaceAccountState;
  @ApiProperty({ type: Number, nullable: true }) tinyIntegrationId: number | null;
  @ApiProperty({ format: 'date-time' }) firstSeenAt: string;
}

export class MarketplaceAccountListDto {
  @ApiProperty({ enum: NEW_MARKETPLACE_ACCOUNTS, description: 'What not_chosen accounts do (connection setting newMarketplaceAccounts)' }) newAccounts: NewMarketplaceAccounts;
  @ApiProperty({ type: [MarketplaceAccountDto] }) items: MarketplaceAccountDto[];
}
