import { counter } from '../metrics/metrics';
import { createRootLogger, type HubLogger } from '../logging/json-logger';

const unhandled = counter('hub_unhandled_errors_total', 'Errors no handler caught (kept the process alive and logged)', ['kind']);
const background = counter('hub_background_errors_total', 'Errors of idle infrastructure clients (e.g. a pooled PostgreSQL connection closed by a restart)', ['component']);

let guardLogger: HubLogger | undefined;
const logger = () => (guardLogger ??= createRootLogger(process.env['HUB_SERVICE'] ?? 'hub'));

/**
 * A dependency outage must never kill a process (readiness goes 503, work waits). An error no handler
 * caught is logged with its context and counted instead of ending the process: every piece of durable
 * work is claimed, journaled or un-acked, so whatever it interrupted is picked up again.
 */
export function installProcessGuards(root: HubLogger): void {
  guardLogger = root;
  if (process.listenerCount('unhandledRejection') === 0) {
    process.on('unhandledRejection', (reason) => {
      unhandled.inc({ kind: 'rejection' });
      logger().error({ err: describe(reason) }, 'unhandled promise rejection (process kept alive)');
    });
  }
  if (process.listenerCount('uncaughtException') === 0) {
    process.on('uncaughtException', (error, origin) => {
      unhandled.inc({ kind: 'exception' });
      logger().error({ err: describe(error), origin }, 'uncaught exception (process kept alive)');
    });
  }
}

/** For 'error' events of idle clients (pools, listeners): logged and counted, never thrown. */
export function reportBackgroundError(component: string, error: unknown): void {
  background.inc({ component });
  logger().warn({ component, err: describe(error) }, `${component}: connection error (it reconnects on next use)`);
}

function describe(error: unknown): { message: string; name?: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { message: String(error) };
}
