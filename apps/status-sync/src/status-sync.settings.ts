import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { Switch, toInt } from '@hub/platform';

/** What status-sync reads from its environment besides the common config (validated once, at start). */
export class StatusSyncSettings {
  /** The Ideris status poller (`off`: this replica does not poll). */
  @Switch()
  STATUS_POLLING: 'on' | 'off' = 'on';

  /** Base interval between two reads of a connection's status feed, stretched to stay in its budget share. */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'STATUS_POLL_INTERVAL_MS must be an integer (milliseconds)' })
  @Min(100, { message: 'STATUS_POLL_INTERVAL_MS must be at least 100' })
  STATUS_POLL_INTERVAL_MS = 30_000;

  /** How long an announced status write stays "in flight" unless its writer renews it (shortened in tests). */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'STATUS_WRITE_LEASE_MS must be an integer (milliseconds)' })
  @Min(100, { message: 'STATUS_WRITE_LEASE_MS must be at least 100' })
  STATUS_WRITE_LEASE_MS = 30_000;
}
