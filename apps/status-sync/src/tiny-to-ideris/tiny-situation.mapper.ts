import type { TinyOrderSituation } from '@hub/contracts';
import { toTinyOrderSituation, type TinyNotification } from '@hub/tiny';

export interface TinySituationChange {
  tinyOrderId: string;
  situation: TinyOrderSituation;
}

/**
 * The situation a Tiny notification reports, from `situacao_pedido` (whose `situacao` may be a code or a
 * description) or the account's `inclusao_pedido`/`atualizacao_pedido` (`codigoSituacao`, else the description).
 */
export function situationChangeOf(notification: TinyNotification): TinySituationChange | undefined {
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
