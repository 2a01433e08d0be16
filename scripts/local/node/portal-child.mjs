// The inside half of a portal (portal.ts), run with `nsenter --net=<node namespace>`: it accepts
// on listening sockets that the outside half opened on the machine's loopback and passed in, and
// connects inside the namespace; and it opens listening sockets inside the namespace and passes
// them out, for the outside half to accept on and connect on loopback. A socket keeps the
// namespace it was made in, whichever process holds it. Plain JavaScript: it starts in ~40 ms.
import net from 'node:net';
import { pipe } from './pipe.mjs';

process.on('message', (m, handle) => {
  if (m.type === 'inward') {
    handle.on('connection', (sock) => pipe(sock, net.connect(m.port, m.host)));
    process.send({ type: 'done', id: m.id });
  } else if (m.type === 'listen') {
    const server = net.createServer();
    server.once('error', (err) => process.send({ type: 'failed', id: m.id, message: err.message }));
    server.listen(m.port, m.host, () => process.send({ type: 'outward', id: m.id }, server, () => server.close()));
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready' });
