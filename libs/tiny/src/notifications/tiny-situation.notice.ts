import type { TinyOrderSituation } from '@hub/contracts';
import { toTinyOrderSituation } from '../tiny-situation';
import type { TinyNotification } from './tiny-notification.parser';

/** The situation of a Tiny order as a notification reported it, in the hub's terms. */
export interface TinySituationNotice {
  tinyOrderId: string;
  situation: TinyOrderSituation;
}

/**
 * The situation a Tiny notification reports, from `situacao_pedido` (whose `situacao` may be a code or a
 * description, contracts.md#tiny-situacao-pedido) or the account's `inclusao_pedido`/`atualizacao_pedido`
 * (`codigoSituacao`, else the description); undefined for another kind or a situation the hub does not know.
 */
export function tinySituationNoticeOf(notification: TinyNotification): TinySituationNotice | undefined {
  switch (notification.kind) {
    case 'situacao_pedido': {
      const situation = toTinyOrderSituation(notification.dados.situacao) ?? toTinyOrderSituation(notification.dados.descricaoSituacao);
      return situation ? { tinyOrderId: notification.dados.idVendaTiny, situation } : undefined;
    }
    case 'inclusao_pedido':
    case 'atualizacao_pedido': {
      const situation = toTinyOrderSituation(notification.dados.codigoSituacao) ?? toTinyOrderSituation(notification.dados.descricaoSituacao);
      return situation ? { tinyOrderId: notification.dados.id, situation } : undefined;
    }
    default:
      return undefined;
  }
}
