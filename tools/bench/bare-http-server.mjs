// The baselines: a bare Node HTTP handler that reads the body and answers 200, persisting nothing; with NATS_URL, the
// same handler storing each body in a JetStream stream of its own (file storage, a message id per body) and answering
// only after the PubAck — the floor of a durable intake on this machine, with no framework, lookup or check.
import http from 'node:http';

const port = Number(process.env.PORT ?? 0);
let store = async () => undefined;
if (process.env.NATS_URL) {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
  // As the services' JetStream connection does (ADR 0026): no error with a stack built ahead of every PubAck.
  const nc = await connect({ servers: process.env.NATS_URL, noAsyncTraces: true });
  const name = `BARE_${process.pid}`;
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects: [`bare-${process.pid}.>`], storage: 'file', duplicate_window: 600_000_000_000 });
  const js = jetstream(nc);
  let n = 0;
  store = (body) => js.publish(`bare-${process.pid}.body`, body, { msgID: `${process.pid}-${n++}` });
  process.on('SIGTERM', async () => {
    await jsm.streams.delete(name).catch(() => undefined);
    process.exit(0);
  });
}
http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      await store(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'accepted', size: body.length }));
    });
  })
  .listen(port, '127.0.0.1');
