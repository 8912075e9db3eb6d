import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { HttpError, type HttpRoute, readBody, sendJson } from '../bot/runtime/http/router';
import type { Db } from '../db/client';
import { runScenarioText, type ScenarioOutcome } from './service';

/**
 * The CLI talking to a running Pulse. PGlite is one process: while Pulse holds PGLITE_DIR, the CLI
 * cannot open it, so `plan` and `apply` go to the running process instead, over its HTTP server:
 *
 * - at start Pulse writes `PGLITE_DIR/pulse-admin.json` (mode 0600: readable by the account that
 *   runs Pulse only) with its local URL and a random token made for this start; it is removed at stop;
 * - `POST /admin/scenario` answers only connections from the loopback interface that carry
 *   `Authorization: Bearer <token>`; anything else is refused before the body is read.
 *
 * Whoever can read the data directory can already read the whole database, so the token grants
 * nothing more than the directory does.
 */
export const ADMIN_FILE = 'pulse-admin.json';
export const ADMIN_PATH = '/admin/scenario';
/** A scenario file of the whole TKV (a thousand units, a full lexicon) stays well under this. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

interface AdminEndpoint {
  url: string;
  token: string;
  pid: number;
}

export interface RemoteRequest {
  command: 'plan' | 'apply';
  file: string;
  text: string;
  /** ISO date-time (the CLI's --now). */
  now?: string;
}

/** Writes the endpoint file for this start; returns the token and a function that removes the file. */
export function publishAdminEndpoint(pgliteDir: string, port: number): { token: string; remove(): void } {
  const token = randomBytes(32).toString('base64url');
  const path = join(pgliteDir, ADMIN_FILE);
  const endpoint: AdminEndpoint = { url: `http://127.0.0.1:${port}`, token, pid: process.pid };
  writeFileSync(path, `${JSON.stringify(endpoint)}\n`, { mode: 0o600 });
  return {
    token,
    remove: () => {
      try {
        // Only this start's file: a later Pulse on the same directory wrote its own.
        if ((JSON.parse(readFileSync(path, 'utf8')) as AdminEndpoint).token === token) rmSync(path);
      } catch {}
    },
  };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The route of the running Pulse: plans or applies a scenario text exactly as the CLI does. */
export function scenarioAdminRoute(options: {
  db: Db;
  token: string;
  timezone: string;
  now: () => Date;
  logger: Logger;
}): HttpRoute {
  return {
    method: 'POST',
    path: ADMIN_PATH,
    async handle(req, res) {
      if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) throw new HttpError(403, 'local connections only');
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), options.token))
        throw new HttpError(401, 'bad or missing token');
      let body: RemoteRequest;
      try {
        body = JSON.parse(await readBody(req, MAX_SCENARIO_BYTES + 64 * 1024)) as RemoteRequest;
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(400, 'the body is not JSON');
      }
      const now = body.now === undefined ? options.now() : new Date(body.now);
      if (
        (body.command !== 'plan' && body.command !== 'apply') ||
        typeof body.file !== 'string' ||
        typeof body.text !== 'string' ||
        Number.isNaN(now.getTime())
      )
        throw new HttpError(400, 'expected { command: plan|apply, file, text, now? }');
      const outcome = await runScenarioText(options.db, body.text, body.file, body.command, {
        now,
        timezone: options.timezone,
      });
      options.logger.info({ command: body.command, outcome: outcome.kind }, 'scenario from the local CLI');
      sendJson(res, 200, outcome);
    },
  };
}

/** The running Pulse on `pgliteDir`, if it published an endpoint. */
export function readAdminEndpoint(pgliteDir: string): AdminEndpoint | null {
  try {
    const value = JSON.parse(readFileSync(join(pgliteDir, ADMIN_FILE), 'utf8')) as AdminEndpoint;
    return typeof value.url === 'string' && typeof value.token === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** Sends a scenario to the running Pulse; throws with a readable message when it cannot be reached. */
export async function sendToRunningPulse(
  endpoint: AdminEndpoint,
  request: RemoteRequest,
): Promise<ScenarioOutcome> {
  let response: Response;
  try {
    response = await fetch(`${endpoint.url}${ADMIN_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    throw new Error(`the running Pulse at ${endpoint.url} does not answer (${(error as Error).message})`);
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string; kind?: string };
  if (!response.ok)
    throw new Error(`the running Pulse refused: ${response.status} ${body.error ?? ''}`.trim());
  return body as ScenarioOutcome;
}
