import { startPortal, type Portal } from './portal.js';

/**
 * Loopback ports that reach the same port numbers inside a real node's namespace: the local
 * gateway's nginx runs there (next to the pods), and people and tests reach it on 127.0.0.1.
 */
export async function forwardIntoNode(netns: string, ports: number[], logFile: string): Promise<Portal> {
  const portal = await startPortal(netns, { logFile });
  try {
    for (const p of ports) await portal.inward(p, { host: '127.0.0.1', port: p });
  } catch (err) {
    await portal.stop();
    throw err;
  }
  return portal;
}
