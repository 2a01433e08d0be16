import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import helmet from 'helmet';

/** Where `npm run console:build` writes the console (not committed; built by npm start and npm test). */
export const consoleDist = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** Paths the API owns; everything else under / is the console's (its client-side routes). */
const API_PATHS = /^\/(api|graphql|hooks|auth|healthz|readyz|metrics)(\/|$)/;

/**
 * Serves the built console at /, same origin as the API (so its session cookie can be
 * SameSite=Strict and no CORS is needed). Hashed assets are cached for a year; index.html never,
 * so a new build is picked up at the next load. Any other GET that accepts HTML gets index.html:
 * the console's URLs (/teams/acme/apps/web) are shareable and reload.
 */
export function consoleRouter(dist = consoleDist): Router {
  const r = express.Router();
  const built = existsSync(`${dist}/index.html`);
  r.use(helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"], connectSrc: ["'self'"], imgSrc: ["'self'", 'data:'],
        // Mantine sets CSS variables through style attributes and a <style> element.
        styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"], frameAncestors: ["'none'"], formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: false, // set by whatever terminates TLS in front of the API
  }));
  r.use('/assets', express.static(`${dist}/assets`, { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  const files = express.static(dist, { index: false, fallthrough: true });
  r.get(/.*/, (req, res, next) => {
    if (API_PATHS.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    if (!built) {
      res.status(503).type('text/plain').send('The web console is not built: run `npm run console:build` (npm start and npm test build it).\n');
      return;
    }
    if (req.path !== '/' && /\.[a-z0-9]+$/i.test(req.path)) {
      return files(req, res, next);
    }
    res.sendFile(`${dist}/index.html`);
  });
  return r;
}
