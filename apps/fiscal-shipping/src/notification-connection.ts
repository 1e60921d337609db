import type { ConnectionDirectory, ConnectionRecord } from '@hub/connections';

/** Deliveries before a notification of a connection this service does not see as active is let go. */
const READ_MODEL_RETRIES = 3;
/** Older notifications of a non-active connection are let go at once: no read model lags this much. */
const READ_MODEL_LAG_MS = 60_000;

export type ConnectionCheck = { active: true; connection: ConnectionRecord } | { active: false; retry: boolean; situation: string };

/**
 * The gateway keeps notifications of active connections only, so a fresh one of a connection not (yet)
 * active here is most likely our read model lagging behind an activation: worth a couple of retries.
 */
export async function checkNotificationConnection(directory: ConnectionDirectory, connectionId: string, receivedAt: string, attempt: number): Promise<ConnectionCheck> {
  const connection = await directory.get(connectionId);
  if (connection && !connection.deleted && connection.situation === 'active') return { active: true, connection };
  const fresh = Date.now() - new Date(receivedAt).getTime() < READ_MODEL_LAG_MS;
  return {
    active: false,
    retry: !connection?.deleted && fresh && attempt < READ_MODEL_RETRIES,
    situation: connection?.deleted ? 'deleted' : (connection?.situation ?? 'unknown'),
  };
}
