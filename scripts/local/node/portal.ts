import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipe } from './pipe.mjs';

/**
 * Ports between the machine's loopback and the node's network namespace, the only ways in and
 * out of it (no route, no veth to the machine). `inward`: a port on 127.0.0.1 whose connections
 * arrive at an address inside (the API server reaches the kubelet, people reach the gateway).
 * `outward`: a port inside whose connections arrive at 127.0.0.1 (the kubelet, kube-proxy and pods
 * reach the API server). Two processes carry it: this one, and portal-child.mjs inside the
 * namespace; listening sockets are passed between them over Node's IPC channel.
 */
export interface Endpoint { host: string; port: number }

export interface Portal {
  /** Listens on 127.0.0.1:`hostPort` (0: any free port) and forwards into the namespace; resolves with the port. */
  inward(hostPort: number, target: Endpoint): Promise<number>;
  /** Listens inside the namespace on `listen` and forwards to 127.0.0.1:`hostPort`. */
  outward(listen: Endpoint, hostPort: number): Promise<void>;
  pid: number;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./portal-child.mjs', import.meta.url));

type Reply = { type: 'done' | 'outward' | 'failed'; id: number; message?: string };

export async function startPortal(netnsPath: string, opts: { logFile: string; pidFile?: string }): Promise<Portal> {
  const out = createWriteStream(opts.logFile, { flags: 'a' });
  const child: ChildProcess = spawn('nsenter', [`--net=${netnsPath}`, process.execPath, CHILD], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  if (opts.pidFile && child.pid) {
    mkdirSync(dirname(opts.pidFile), { recursive: true });
    writeFileSync(opts.pidFile, `${child.pid}\n${basename(CHILD)}\n${process.pid}\n`);
  }
  const onExit = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } };
  process.once('exit', onExit);
  child.once('exit', () => { process.off('exit', onExit); if (opts.pidFile) rmSync(opts.pidFile, { force: true }); });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the portal into ${netnsPath} exited (code ${code}); see ${opts.logFile}`)));
  });

  let nextId = 1;
  const waiting = new Map<number, { resolve: (handle?: Server) => void; reject: (err: Error) => void }>();
  child.on('message', (m: Reply, handle?: Server) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.type === 'failed') w.reject(new Error(m.message));
    else w.resolve(handle);
  });
  const ask = (msg: object, handle?: Server) => new Promise<Server | undefined>((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    // Once the inside half holds a passed listening socket, ours is closed: only it accepts.
    child.send({ ...msg, id }, handle as never, () => handle?.close());
  });
  const servers: Server[] = [];

  return {
    pid: child.pid!,
    async inward(hostPort, target) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(hostPort, '127.0.0.1', () => resolve());
      });
      const port = (server.address() as { port: number }).port;
      await ask({ type: 'inward', host: target.host, port: target.port }, server);
      return port;
    },
    async outward(listen, hostPort) {
      const server = await ask({ type: 'listen', host: listen.host, port: listen.port });
      server!.on('connection', (sock: Socket) => pipe(sock, connect(hostPort, '127.0.0.1')));
      servers.push(server!);
    },
    async stop() {
      for (const s of servers) s.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
      out.end();
    },
  };
}
