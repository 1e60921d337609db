import { Injectable } from '@nestjs/common';
import { ApiBudget } from '@hub/budget';
import { ConnectionDirectory, type ConnectionRecord } from '@hub/connections';
import { IderisClient } from '@hub/ideris';
import { PermanentError } from '@hub/work';
import { TinyClient } from '@hub/tiny';

export interface ConnectionClientSet {
  connection: ConnectionRecord;
  tiny: TinyClient;
  ideris: IderisClient;
}

/**
 * Tiny and Ideris clients of an active connection, under its shared API budget. Kept per connection version,
 * so the Ideris login (JWT) is reused instead of repeated per call.
 */
@Injectable()
export class ConnectionClients {
  private readonly cache = new Map<string, { version: number; set: ConnectionClientSet }>();

  constructor(private readonly directory: ConnectionDirectory, private readonly budget: ApiBudget) {}

  async forActive(connectionId: string): Promise<ConnectionClientSet> {
    const connection = await this.directory.get(connectionId);
    if (!connection || connection.deleted || connection.situation !== 'active') {
      throw new PermanentError(`connection ${connectionId} is ${connection ? (connection.deleted ? 'deleted' : connection.situation) : 'unknown'}; only active connections sync`, 'connection-inactive');
    }
    const hit = this.cache.get(connectionId);
    if (hit && hit.version === connection.version) return { ...hit.set, connection };
    const credentials = await this.directory.credentials(connectionId);
    if (!credentials) throw new PermanentError(`connection ${connectionId} has no credentials`, 'connection-inactive');
    const set: ConnectionClientSet = {
      connection,
      tiny: new TinyClient({
        baseUrl: connection.tinyBaseUrl,
        token: credentials.tinyToken,
        gate: this.budget.tiny(credentials.tinyToken, { callsPerMinute: connection.settings.tinyCallsPerMinute }),
      }),
      ideris: new IderisClient({
        baseUrl: connection.iderisBaseUrl,
        privateKey: credentials.iderisPrivateKey,
        gate: this.budget.ideris(credentials.iderisPrivateKey, { callsPerMinute: connection.settings.iderisCallsPerMinute }),
      }),
    };
    this.cache.set(connectionId, { version: connection.version, set });
    return set;
  }
}
