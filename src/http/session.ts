import express, { type Request, type Router } from 'express';
import { authenticate } from '../auth/tokens.js';
import {
  CSRF_HEADER, clearedCookie, createSession, csrfRefused, describePrincipal, endSession, sessionCookie, sessionOf, sessionSecret,
} from '../auth/session.js';
import type { Deps } from '../intents/context.js';
import { problem, sendProblem } from './problem.js';

export interface SessionOptions { deps: Deps; adminToken: string; hours: number }


/**
 * The console's sign-in: POST /auth/session { token } sets the session cookie and answers who
 * signed in and the CSRF token; GET tells the same for the current cookie (the console's start);
 * DELETE signs out, ending the session on the server so a copied cookie stops working too.
 */
export function sessionRouter(o: SessionOptions): Router {
  const r = express.Router();
  // Secure when the console is reached over HTTPS: directly, or through a proxy that terminates
  // TLS in front of the API (its public URL says so).
  const secure = (req: Request) => req.secure || o.deps.publicUrl.startsWith('https:');
  const json = express.json({ limit: '4kb' });
  r.post('/auth/session', json, async (req, res) => {
    const token = (req.body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.trim() === '') {
      return sendProblem(res, problem(400, 'token: an API token is required', [{ field: 'token', message: 'an API token is required' }]));
    }
    const principal = await authenticate(o.deps.db, token.trim(), o.adminToken, o.deps.tokenCache);
    if (!principal) return sendProblem(res, problem(401, 'this token is not valid (unknown, revoked, or its team was deleted)'));
    const s = await createSession(o.deps.db, principal, o.adminToken, o.hours);
    res.setHeader('Set-Cookie', sessionCookie(s.secret, { secure: secure(req), maxAgeSeconds: Math.round(o.hours * 3600) }));
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json({ principal: describePrincipal(principal), csrfToken: s.csrfToken });
  });
  r.get('/auth/session', async (req, res) => {
    const session = await sessionOf(o.deps.db, req.headers.cookie, o.adminToken);
    res.setHeader('Cache-Control', 'no-store');
    if (!session) return sendProblem(res, problem(401, 'not signed in'));
    res.json({ principal: describePrincipal(session.principal), csrfToken: session.csrfToken });
  });
  r.delete('/auth/session', async (req, res) => {
    const session = await sessionOf(o.deps.db, req.headers.cookie, o.adminToken);
    if (session && csrfRefused(session, req.method, req.headers[CSRF_HEADER])) return sendProblem(res, problem(403, `the ${CSRF_HEADER} header is missing or wrong`));
    const secret = sessionSecret(req.headers.cookie);
    if (secret) await endSession(o.deps.db, secret); // an expired one too: its row goes
    res.setHeader('Set-Cookie', clearedCookie(secure(req)));
    res.status(204).end();
  });
  return r;
}

