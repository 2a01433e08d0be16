import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

/**
 * git over SSH on loopback, for host-key pinning tests: an SSH server (ssh2) that runs
 * git-upload-pack on the bare repositories of an HTTP git server (test/helpers/git-server.ts),
 * for one client key. Its host key is an ed25519 key made here; `rekey()` makes a new one, as a
 * host that rotated its key (or an impostor) would present.
 */
export interface SshGitServer {
  url(repo: string): string;
  /** The known_hosts line of the current host key, as `ssh-keyscan` would print it. */
  knownHostsLine(): string;
  /** The client's private key (OpenSSH format), for the app's deploy key. */
  clientKey: string;
  rekey(): void;
  close(): Promise<void>;
}

const keygen = (dir: string, name: string) => {
  const path = join(dir, name);
  rmSync(path, { force: true }); rmSync(`${path}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
  return { private: readFileSync(path, 'utf8'), public: readFileSync(`${path}.pub`, 'utf8').trim() };
};

export async function startSshGitServer(bareRoot: string): Promise<SshGitServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-git-'));
  let host = keygen(dir, 'host');
  const client = keygen(dir, 'client');
  const parsed = ssh2.utils.parseKey(client.public);
  if (parsed instanceof Error) throw parsed;
  const allowed = Array.isArray(parsed) ? parsed[0]! : parsed;
  let server = listen();
  function listen() {
    return new ssh2.Server({ hostKeys: [host.private] }, (conn) => {
      conn.on('authentication', (ctx) => {
        const ok = ctx.method === 'publickey' && ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH())
          && (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true);
        if (ok) ctx.accept(); else ctx.reject(['publickey']);
      });
      conn.on('ready', () => conn.on('session', (accept) => accept().once('exec', (acceptExec, reject, info) => {
        const m = /^git-upload-pack '?\/?([\w.-]+\.git)'?$/.exec(info.command);
        if (!m) { reject(); return; }
        const stream = acceptExec();
        const child = spawn('git-upload-pack', [join(bareRoot, m[1]!)]);
        stream.pipe(child.stdin);
        child.stdout.pipe(stream, { end: false });
        child.stderr.pipe(stream.stderr);
        child.on('close', (code) => { stream.exit(code ?? 1); stream.end(); });
      })));
      conn.on('error', () => { /* a client that hung up */ });
    });
  }
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  return {
    url: (repo) => `ssh://git@127.0.0.1:${port}/${repo}.git`,
    knownHostsLine: () => `[127.0.0.1]:${port} ${host.public.split(' ').slice(0, 2).join(' ')}`,
    clientKey: client.private,
    rekey() {
      host = keygen(dir, 'host');
      server.close();
      server = listen();
      server.listen(port, '127.0.0.1');
    },
    close: async () => { await new Promise((r) => server.close(r)); rmSync(dir, { recursive: true, force: true }); },
  };
}
