import { runWithContext } from '@hub/platform';
import type { JetStreamConnection } from './jetstream-connection';
import { MessagePublisher } from './message-publisher';

function fakeConnection(connected = true) {
  const sent: { subject: string; data: string; msgID: string; correlationId: string | undefined }[] = [];
  const connection = {
    isConnected: connected,
    js: {
      publish: jest.fn(async (subject: string, data: string, opts: { msgID: string; headers: { get(k: string): string } }) => {
        sent.push({ subject, data, msgID: opts.msgID, correlationId: opts.headers.get('Hub-Correlation-Id') || undefined });
        return { stream: 'S', seq: sent.length, duplicate: false };
      }),
    },
  };
  return { connection: connection as unknown as JetStreamConnection, sent, publish: connection.js.publish };
}

describe('MessagePublisher.publishJsonCoalesced', () => {
  it('sends every publish asked for in one turn together at its end, each with its own ack and its caller\'s context', async () => {
    const { connection, sent, publish } = fakeConnection();
    const publisher = new MessagePublisher(connection);
    const a = runWithContext({ correlationId: 'corr-a' }, () => publisher.publishJsonCoalesced('s.a', { n: 1 }, { messageId: 'a' }));
    const b = runWithContext({ correlationId: 'corr-b' }, () => publisher.publishJsonCoalesced('s.b', { n: 2 }, { messageId: 'b' }));
    await Promise.resolve();
    expect(publish).not.toHaveBeenCalled(); // not before the turn ends
    expect(await Promise.all([a, b])).toEqual([
      { stream: 'S', seq: 1, duplicate: false },
      { stream: 'S', seq: 2, duplicate: false },
    ]);
    expect(sent).toEqual([
      { subject: 's.a', data: '{"n":1}', msgID: 'a', correlationId: 'corr-a' },
      { subject: 's.b', data: '{"n":2}', msgID: 'b', correlationId: 'corr-b' },
    ]);
    // A later turn starts a new batch.
    expect(await publisher.publishJsonCoalesced('s.c', { n: 3 }, { messageId: 'c' })).toMatchObject({ seq: 3 });
  });

  it('rejects (DISCONNECT) when NATS is between servers at send time, instead of queueing', async () => {
    const { connection, publish } = fakeConnection(false);
    await expect(new MessagePublisher(connection).publishJsonCoalesced('s', {}, { messageId: 'x' })).rejects.toMatchObject({ code: 'DISCONNECT' });
    expect(publish).not.toHaveBeenCalled();
  });
});
