import type { Logger } from '@nestjs/common';
import type { TinyNotificationKind, TinyNotificationReceivedV1 } from '@hub/contracts';
import { FLOW_OF_NOTIFICATION, flowEnabled, recordFlowSkip, type ConnectionDirectory, type ConnectionRecord } from '@hub/connections';
import { type MessageContext } from '@hub/messaging';
import { PermanentError } from '@hub/work';
import { bindConnection } from '@hub/platform';
import { parseTinyNotification, type TinyNotificationDataByKind } from '@hub/tiny';

export type OpenedTinyNotification<K extends TinyNotificationKind> =
  | { ignored: false; connection: ConnectionRecord; dados: TinyNotificationDataByKind[K] }
  /**
   * `inactive`: the connection does not sync (logged here); `flow-off`: its flow is switched off for the connection
   * (acknowledged, recorded as skipped with reason `flow_off`); `other-kind`: not this handler's notification.
   */
  | { ignored: 'inactive' | 'flow-off' | 'other-kind' };

/**
 * What every handler of a stored Tiny notification does first: the connection's log context; its situation here
 * (a fresh notification of a connection this service does not see active yet is retried: the read model may lag
 * an activation; otherwise it is ignored with a log line); the body parsed and validated (an invalid one is
 * parked at once, with the reasons); and the kind checked.
 */
export async function openTinyNotification<K extends TinyNotificationKind>(
  directory: ConnectionDirectory,
  ctx: MessageContext<TinyNotificationReceivedV1>,
  kind: K,
  logger: Logger,
): Promise<OpenedTinyNotification<K>> {
  const { connectionId, rawBody, receivedAt } = ctx.payload;
  bindConnection(connectionId);
  const check = await directory.checkForNotification(connectionId, receivedAt, ctx.attempt);
  if (!check.active) {
    if (check.retry) throw new Error(`connection ${connectionId} is not active here (yet)`);
    logger.log({ msg: `${kind} notification ignored: connection not active`, connectionId, situation: check.situation, seq: ctx.streamSequence });
    return { ignored: 'inactive' };
  }
  const flow = FLOW_OF_NOTIFICATION[kind];
  if (!flowEnabled(check.connection, flow)) {
    recordFlowSkip(logger, { flow, connectionId, what: `${kind} notification`, seq: ctx.streamSequence });
    return { ignored: 'flow-off' };
  }
  const parsed = parseTinyNotification(rawBody);
  if (!parsed.ok) throw new PermanentError(parsed.error.message, 'invalid-notification');
  if (parsed.notification.kind !== kind) return { ignored: 'other-kind' };
  return { ignored: false, connection: check.connection, dados: parsed.notification.dados as TinyNotificationDataByKind[K] };
}
