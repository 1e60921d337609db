import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsObject } from 'class-validator';
import type { TinyOrderSituation } from '../connections/connection-settings';

/**
 * A connection's status map, both directions. `tinyToIderis[situation]` is the Ideris status id written when
 * Tiny reaches that situation (`null` or absent: nothing is written). `iderisToTiny[statusId]` is the Tiny
 * situation applied when Ideris reaches that status (absent: the status is only recorded).
 */
export interface StatusMapV1 {
  tinyToIderis: Partial<Record<TinyOrderSituation, number | null>>;
  iderisToTiny: Record<string, TinyOrderSituation>;
}

/** The body of `PUT …/status-map`; the service checks the entries (situations, positive integer ids). */
export class StatusMapBody implements StatusMapV1 {
  @ApiProperty({ example: { aprovado: 1008, faturado: 1010, cancelado: 1012, nao_entregue: null } })
  @IsObject()
  tinyToIderis: Partial<Record<TinyOrderSituation, number | null>>;

  @ApiProperty({ example: { '1011': 'entregue', '1012': 'cancelado' } })
  @IsObject()
  iderisToTiny: Record<string, TinyOrderSituation>;
}

export const ATTENTION_RESOLUTIONS = ['cancel-in-tiny', 'keep'] as const;
export type AttentionResolution = (typeof ATTENTION_RESOLUTIONS)[number];

export class ResolveAttentionBody {
  @ApiProperty({ enum: ATTENTION_RESOLUTIONS, description: 'cancel-in-tiny: cancel the Tiny order now; keep: leave Tiny as it is' })
  @IsIn(ATTENTION_RESOLUTIONS)
  action: AttentionResolution;
}

/** One imported order as status-sync sees both sides. */
export interface OrderStatusView {
  iderisOrderId: number;
  tinyOrderId: string;
  tinySituation: TinyOrderSituation | null;
  iderisStatusId: number | null;
  needsAttention: boolean;
  attentionReason: string | null;
  attentionResolution: string | null;
  lastWritten: { side: 'tiny' | 'ideris'; value: string; at: string } | null;
  updatedAt: string;
}
