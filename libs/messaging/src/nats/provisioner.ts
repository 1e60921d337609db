import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ConsumerDefinition, StreamDefinition } from '@hub/contracts';

/** Creates or updates streams and durable consumers so that every replica can run it at boot. */
export async function provisionStreams(jsm: JetStreamManager, streams: readonly StreamDefinition[], replicas: number): Promise<void> {
  for (const def of streams) {
    const config = {
      name: def.name,
      subjects: [...def.subjects],
      description: def.description,
      retention: def.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(def.maxAgeMs),
      duplicate_window: nanos(def.duplicateWindowMs),
      num_replicas: replicas,
    };
    const existing = await jsm.streams.info(def.name).catch(() => undefined);
    if (!existing) {
      await jsm.streams.add(config).catch(async (error: unknown) => {
        // Another replica created it between our check and our add.
        if (!(await jsm.streams.info(def.name).catch(() => undefined))) throw error;
      });
    } else {
      await jsm.streams.update(def.name, { subjects: config.subjects, description: config.description, max_age: config.max_age, duplicate_window: config.duplicate_window });
    }
  }
}

export async function provisionConsumers(jsm: JetStreamManager, consumers: readonly ConsumerDefinition[]): Promise<void> {
  for (const def of consumers) {
    const config = {
      durable_name: def.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: def.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      filter_subject: def.filterSubject,
      ack_wait: nanos(def.ackWaitMs),
      // Unbounded at the server: the handler parks a message itself after `maxAttempts`, so a crash while
      // parking can never make JetStream drop it silently.
      max_deliver: -1,
      max_ack_pending: def.maxAckPending,
    };
    const existing = await jsm.consumers.info(def.stream.name, def.durable).catch(() => undefined);
    if (!existing) {
      await jsm.consumers.add(def.stream.name, config);
    } else {
      await jsm.consumers.update(def.stream.name, def.durable, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending, max_deliver: config.max_deliver, filter_subject: config.filter_subject });
    }
  }
}
