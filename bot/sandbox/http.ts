import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { BODY_LIMITS, HttpError, readBody } from '../runtime/http/router';

/** Sent with every sandbox response: the page runs only its own script and style files. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** A refusal with its status code; the API answers `{ error: message }`. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * The sandbox has no login, so it guards against other web sites: the Host must be one we
 * serve (DNS rebinding) and a POST must be same-origin JSON (a cross-site form cannot send it).
 */
export function checkRequest(req: IncomingMessage, boundHost: string): void {
  const host = req.headers.host ?? '';
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  if (
    !WILDCARD_HOSTS.has(boundHost) &&
    !LOOPBACK_NAMES.has(hostname) &&
    hostname !== boundHost.toLowerCase()
  ) {
    throw new HttpProblem(403, `unexpected Host "${host}"`);
  }
  if (req.method !== 'POST') return;
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpProblem(415, 'send a JSON body with content-type application/json');
  }
  const origin = req.headers.origin;
  if (origin && origin !== 'null' && (!URL.canParse(origin) || new URL(origin).host !== host)) {
    throw new HttpProblem(403, `cross-origin request from ${origin} refused`);
  }
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
}

export function parseQuery<T>(req: IncomingMessage, schema: z.ZodType<T>): T {
  if (!URL.canParse(req.url ?? '/', 'http://localhost'))
    throw new HttpProblem(400, 'malformed request target');
  const params = Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new HttpProblem(400, describe(parsed.error));
  return parsed.data;
}

export async function parseBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, BODY_LIMITS.sandbox));
  } catch (error) {
    if (error instanceof HttpError) throw new HttpProblem(error.status, 'the body must be at most 64 kB');
    throw new HttpProblem(400, 'the body must be a JSON object (at most 64 kB)');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpProblem(400, describe(parsed.error));
  return parsed.data;
}
