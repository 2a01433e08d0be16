import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startPortal } from '../../scripts/local/node/portal.js';
import type { RealNodeInfo } from '../../scripts/local/stack.js';

/**
 * A git server on loopback: smart HTTP through git's own `git http-backend` (CGI), serving bare
 * repositories, plus a working copy per repository to commit and push from.
 */
export interface GitServer {
  /**
   * The repository's URL for the platform. With a real node (`local`'s), pods reach the server at
   * the node's address, through a portal into the node's namespace; elsewhere at 127.0.0.1.
   */
  url(repo: string): string;
  /** The URL on this machine's loopback: what a process outside the node (the API's detect) reaches. */
  hostUrl(repo: string): string;
  /** Requests received so far: a guard test shows that a refused URL never reached the server. */
  readonly requests: number;
  /** Where the bare repositories are (`<root>/<repo>.git`), for another transport (SSH) to serve. */
  readonly bareRoot: string;
  /** Creates a bare repository and a working copy; returns helpers to commit and push. */
  repo(name: string): { write(files: Record<string, string | null>): void; commit(message: string): string; push(): void };
  close(): Promise<void>;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, {
  cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' },
}).trim();

/**
 * `delayMs` holds every request that long first: a slow git host, for deadline and cancel tests.
 * `auth` makes every repository private: HTTP basic auth, as git hosts ask for a token.
 */
export async function startGitServer(opts: { delayMs?: number; auth?: { username: string; password: string }; host?: string; realNode?: RealNodeInfo | null } = {}): Promise<GitServer> {
  const host = opts.host ?? '127.0.0.1';
  let requests = 0;
  const root = mkdtempSync(join(tmpdir(), 'git-server-'));
  const expected = opts.auth && `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;
  const server: Server = createServer(async (req, res) => {
    requests++;
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end('authentication required');
      return;
    }
    const url = new URL(req.url!, 'http://x');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env, GIT_PROJECT_ROOT: join(root, 'bare'), GIT_HTTP_EXPORT_ALL: '1', PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1), REQUEST_METHOD: req.method, CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''), REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0), sent = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (sent) { res.write(chunk); return; }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers = head.subarray(0, end).toString().split('\r\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as const);
      const status = Number(headers.find(([k]) => k.toLowerCase() === 'status')?.[1].split(' ')[0] ?? 200);
      res.writeHead(status, Object.fromEntries(headers.filter(([k]) => k.toLowerCase() !== 'status')));
      res.write(head.subarray(end + 4));
      sent = true;
    });
    cgi.stdout.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const hostUrl = (repo: string) => `http://${host}:${port}/${repo}.git`;
  // The test stack's real node (test/global-setup.ts says which; benchmarks pass theirs, or none).
  const fromSetup = process.env.YUNBANG_TEST_REAL_NODE ? JSON.parse(process.env.YUNBANG_TEST_REAL_NODE) as RealNodeInfo : undefined;
  const node = opts.host ? undefined : opts.realNode === undefined ? fromSetup : opts.realNode ?? undefined;
  const portal = node ? await startPortal(node.netns, { logFile: '/dev/null' }) : undefined;
  await portal?.outward({ host: node!.nodeIp, port }, port);
  const url = (repo: string) => (node ? `http://${node.nodeIp}:${port}/${repo}.git` : hostUrl(repo));
  return {
    url, hostUrl,
    get requests() { return requests; },
    bareRoot: join(root, 'bare'),
    repo(name) {
      const bare = join(root, 'bare', `${name}.git`);
      mkdirSync(bare, { recursive: true });
      git(bare, 'init', '-q', '--bare', '-b', 'main');
      git(bare, 'config', 'http.receivepack', 'true');
      git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true'); // fetch by commit id, as GitHub allows
      const work = join(root, 'work', name);
      mkdirSync(work, { recursive: true });
      git(work, 'init', '-q', '-b', 'main');
      git(work, 'remote', 'add', 'origin', bare);
      return {
        write(files) {
          for (const [path, text] of Object.entries(files)) {
            const full = join(work, path);
            if (text === null) { try { unlinkSync(full); } catch { /* absent */ } continue; }
            mkdirSync(dirname(full), { recursive: true });
            writeFileSync(full, text);
          }
        },
        commit(message) { git(work, 'add', '-A'); git(work, 'commit', '-q', '-m', message); return git(work, 'rev-parse', 'HEAD'); },
        push() { git(work, 'push', '-q', 'origin', 'HEAD:main'); },
      };
    },
    close: async () => { await portal?.stop(); server.closeAllConnections(); await new Promise((r) => server.close(r)); rmSync(root, { recursive: true, force: true }); },
  };
}
