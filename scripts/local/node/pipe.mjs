// Joins two sockets both ways, and closes each when the other ends or fails: the portal's two
// halves (portal.ts, portal-child.mjs) forward connections with it. Plain JavaScript, so the inside
// half starts without a TypeScript loader.
export function pipe(a, b) {
  a.setNoDelay(true);
  b.setNoDelay(true);
  a.pipe(b).pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}
