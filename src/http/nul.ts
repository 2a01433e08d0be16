import type { RequestHandler } from 'express';
import { Kind, visit, type DocumentNode } from 'graphql';
import type { FieldIssue } from '../errors.js';
import { problem, sendProblem } from './problem.js';

/**
 * PostgreSQL text cannot hold U+0000: a value with it reaching a query fails there, as a 500. No
 * valid input of this API contains one, so both edges refuse it first, naming where it was.
 */
export function findNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) { const p = findNul(value[i], `${path}[${i}]`); if (p !== undefined) return p; }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = findNul(k, path) ?? findNul(v, path ? `${path}.${k}` : k);
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/** REST: path parameters, query and body. */
export const rejectNul: RequestHandler = (req, res, next) => {
  const field = findNul(req.params) ?? findNul(req.query) ?? findNul(req.body);
  if (field === undefined) { next(); return; }
  const issues: FieldIssue[] = [{ field, message: NUL_MESSAGE }];
  sendProblem(res, problem(400, `${field || 'a value'} ${NUL_MESSAGE}`, issues));
};

/** GraphQL: the variables and every string literal of the document; the field path where it can be told. */
export function nulInGraphql(document: DocumentNode, variables: unknown): string | undefined {
  const inVariables = findNul(variables ?? {});
  if (inVariables !== undefined) return inVariables;
  let found: string | undefined;
  visit(document, { [Kind.STRING]: (node) => { if (found === undefined && node.value.includes('\u0000')) found = ''; } });
  return found;
}
