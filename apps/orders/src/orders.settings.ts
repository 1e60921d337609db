import { Switch } from '@hub/platform';

/** What orders reads from its environment besides the common config (validated once, at start). */
export class OrdersSettings {
  /** The Ideris order poller (`off`: this replica does not poll; imports still run). */
  @Switch()
  ORDERS_POLLING: 'on' | 'off' = 'on';
}
