import { log } from '../src/log.js';
import { GatewayConfigError, loadGatewayConfig } from './config.js';
import { startGateway } from './gateway.js';

/**
 * `npm run gateway`: the gateway as its own process, configured by environment variables only
 * (gateway/config.ts). It reads etcd and nothing else. SIGTERM, SIGINT or SIGHUP stop it: after
 * YUNBANG_GATEWAY_DRAIN_SECONDS of serving on, nginx finishes the requests in flight and quits.
 */
const isEntry = import.meta.url === `file://${process.argv[1]}`;
if (isEntry) {
  try {
    const config = loadGatewayConfig();
    if (process.env.LOG_LEVEL) log.level = process.env.LOG_LEVEL;
    const gateway = await startGateway(config);
    log.info({ http: config.httpListen, https: config.httpsListen, status: gateway.statusUrl }, 'gateway serving');
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      if (config.drainSeconds > 0) log.info({ seconds: config.drainSeconds }, 'draining: still serving while the load balancer takes this gateway out');
      new Promise((r) => setTimeout(r, config.drainSeconds * 1000)).then(() => gateway.stop()).then(() => process.exit(0), (err) => { log.error({ err }, 'stopping failed'); process.exit(1); });
    };
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, stop);
  } catch (err) {
    if (err instanceof GatewayConfigError) process.stderr.write(`${err.message}\n`);
    else log.fatal({ err }, 'gateway failed to start');
    process.exit(1);
  }
}
