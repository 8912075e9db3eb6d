import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './net';

/**
 * Real Pulse processes (`node --import tsx bot/main.ts`) in Telegram webhook mode behind a small
 * load balancer, for the multi-process production tests (tests/production/). PostgreSQL only:
 * PGlite is one process by nature.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TEST_TOKEN = '123456:TEST-token-for-the-fake-server';
export const WEBHOOK_SECRET = 'cluster-secret';
export const WEBHOOK_PATH = '/telegram/webhook';

export interface PulseProcess {
  child: ChildProcess;
  port: number;
  url: string;
  exited: Promise<number | null>;
  stderr(): string;
  /** The last 4,000 characters of its log (JSON lines on stdout). */
  log(): string;
}

/** Starts one Pulse process and resolves once its /readyz answers 200. */
export async function startPulseProcess(
  env: Record<string, string>,
  timeoutMs = 45_000,
): Promise<PulseProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.CLUSTER_LOG_LEVEL ?? 'error',
      ...env,
    },
  });
  // Each process's log in its own file, when asked for (debugging a failure).
  if (process.env.CLUSTER_LOG_DIR)
    child.stdout?.pipe(createWriteStream(join(process.env.CLUSTER_LOG_DIR, `pulse-${port}.log`)));
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  // The log's last lines (errors only at the default level), for a failure to show.
  let logTail = '';
  child.stdout?.on('data', (chunk) => {
    logTail = (logTail + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const pulse = {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    exited,
    stderr: () => stderr,
    log: () => logTail,
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pulse exited (${child.exitCode}): ${stderr}`);
    const ok = await fetch(`${pulse.url}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return pulse;
    if (Date.now() > deadline) throw new Error(`pulse not ready after ${timeoutMs} ms: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Balancer {
  url: string;
  /** Requests answered, by upstream port. */
  served: Map<number, number>;
  /** Attempts that failed against an upstream and were tried on the next one. */
  failovers: number;
  add(upstream: { port: number }): void;
  remove(upstream: { port: number }): void;
  stop(): Promise<void>;
}

interface Upstream {
  port: number;
  healthy: boolean;
}

/**
 * A round-robin HTTP load balancer as a real one is set up in front of Pulse (docs/deployment.md,
 * "Rolling restart"): it health-checks each upstream's /readyz every `checkEveryMs` and sends only
 * to those that passed; a request whose upstream refuses the connection, cuts it before answering
 * or answers 502/503 is tried on the next healthy upstream (nginx `proxy_next_upstream error
 * timeout http_502 http_503`, safe here because Pulse handles a repeated update once); when none
 * is left it answers 502 and the sender (Telegram) retries later.
 */
export async function startBalancer(options: { checkEveryMs?: number } = {}): Promise<Balancer> {
  const upstreams: Upstream[] = [];
  const served = new Map<number, number>();
  let next = 0;
  const state = { failovers: 0 };
  const check = async () => {
    await Promise.all(
      upstreams.map(async (upstream) => {
        upstream.healthy = await fetch(`http://127.0.0.1:${upstream.port}/readyz`, {
          signal: AbortSignal.timeout(1000),
        })
          .then((r) => r.ok)
          .catch(() => false);
      }),
    );
  };
  const timer = setInterval(() => void check(), options.checkEveryMs ?? 200);

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const candidates = upstreams.filter((u) => u.healthy);
    for (let tried = 0; tried < candidates.length; tried++) {
      const upstream = candidates[next++ % candidates.length]!;
      const answer = await forward(upstream.port, req.method ?? 'GET', req.url ?? '/', req.headers, body);
      if (answer && answer.status !== 502 && answer.status !== 503) {
        served.set(upstream.port, (served.get(upstream.port) ?? 0) + 1);
        res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
        res.end(answer.body);
        return;
      }
      // Failed: off the rotation until its next health check passes.
      if (!answer) upstream.healthy = false;
      state.failovers++;
    }
    res.writeHead(502).end('no upstream');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    get failovers() {
      return state.failovers;
    },
    add(upstream) {
      upstreams.push({ port: upstream.port, healthy: false });
      void check();
    },
    remove(upstream) {
      const at = upstreams.findIndex((u) => u.port === upstream.port);
      if (at >= 0) upstreams.splice(at, 1);
    },
    async stop() {
      clearInterval(timer);
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

function forward(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): Promise<{ status: number; type?: string; body: Buffer } | undefined> {
  return new Promise((resolve) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...withoutHopByHop(headers),
          host: `127.0.0.1:${port}`,
          'content-length': String(body.length),
        },
        timeout: 15_000,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 502,
            type: response.headers['content-type'],
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', () => resolve(undefined));
      },
    );
    outgoing.on('error', () => resolve(undefined));
    outgoing.on('timeout', () => outgoing.destroy());
    outgoing.end(body);
  });
}

function withoutHopByHop(headers: Record<string, string | string[] | undefined>) {
  const { connection, 'keep-alive': _k, 'transfer-encoding': _t, ...rest } = headers;
  void connection;
  return rest;
}

/** The environment of a Pulse process in webhook mode behind `balancer`, on `databaseUrl`. */
export function clusterEnv(options: {
  databaseUrl: string;
  apiRoot: string;
  balancerUrl: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    TELEGRAM_BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: options.apiRoot,
    TELEGRAM_WEBHOOK_URL: `${options.balancerUrl}${WEBHOOK_PATH}`,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...options.extra,
  };
}
