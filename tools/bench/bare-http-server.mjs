// The baseline: a bare Node HTTP handler that reads the body and answers 200, persisting nothing.
import http from 'node:http';

const port = Number(process.env.PORT ?? 0);
http
  .createServer((req, res) => {
    let size = 0;
    req.on('data', (c) => (size += c.length));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'accepted', size }));
    });
  })
  .listen(port, '127.0.0.1');
