import { createServer, type RequestListener, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { HttpError, type HttpRoute, matchRoute, sendJson } from './router';

export interface HttpServerOptions {
  routes: () => readonly HttpRoute[];
  /**
   * Resolves when ready, optionally with details to show (each platform's connection); a rejection's
   * message (e.g. "telegram: …") and its `details` are shown in the 503.
   */
  ready: () => Promise<unknown>;
  /** /readyz answers within this time whatever the probe does (default 800 ms). */
  readyTimeoutMs?: number;
  metrics: Registry;
  logger: Logger;
  /** Called with the status of every refused or failed request (counted in /metrics). */
  onError?: (status: number) => void;
}

/** One HTTP server for everything: health, readiness, metrics, webhooks and the sandbox. */
export function createHttpServer(options: HttpServerOptions): Server {
  const server = createServer(createRequestHandler(options));
  answerClientErrors(server, options.onError);
  return server;
}

/**
 * A server listening before the rest of Pulse is loaded: `/healthz` answers 200 at once (the
 * process is up), `/readyz` 503 "starting", anything else 503 with `Retry-After` (a webhook is
 * retried by its platform, or failed over by the balancer). `attach` hands every request from then
 * on to Pulse's own handler.
 */
export interface EarlyServer {
  server: Server;
  port: number;
  attach(options: HttpServerOptions): void;
}

export async function startEarlyServer(port: number, host: string): Promise<EarlyServer> {
  let handle: RequestListener = (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    res.setHeader('retry-after', '1');
    sendJson(res, 503, { status: 'starting' });
  };
  const server = createServer((req, res) => handle(req, res));
  let onError: ((status: number) => void) | undefined;
  answerClientErrors(server, (status) => onError?.(status));
  const bound = await listen(server, port, host);
  return {
    server,
    port: bound,
    attach(options) {
      onError = options.onError;
      handle = createRequestHandler(options);
    },
  };
}

function createRequestHandler(options: HttpServerOptions): RequestListener {
  const builtIn: HttpRoute[] = [
    { method: 'GET', path: '/healthz', handle: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      handle: async (_req, res) => {
        try {
          const details = await withTimeout(
            options.ready(),
            options.readyTimeoutMs ?? 800,
            'readiness probe timed out',
          );
          sendJson(res, 200, { status: 'ready', ...(typeof details === 'object' ? details : {}) });
        } catch (error) {
          options.logger.warn({ err: error }, 'not ready');
          const reason = error instanceof Error ? error.message : String(error);
          const details = (error as { details?: Record<string, unknown> } | undefined)?.details;
          sendJson(res, 503, { status: 'unavailable', reason, ...(details ?? {}) });
        }
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async (_req, res) => {
        res.writeHead(200, { 'content-type': options.metrics.contentType });
        res.end(await options.metrics.metrics());
      },
    },
  ];
  return async (req, res) => {
    // The one error boundary: whatever a request carries, it gets a status, never a crash.
    let pathname = '?';
    try {
      pathname = requestPath(req.url);
      const route = matchRoute([...builtIn, ...options.routes()], req.method ?? 'GET', pathname);
      if (!route) return sendJson(res, 404, { error: 'not found' });
      await route.handle(req, res);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status >= 500) options.logger.error({ err: error, path: pathname }, 'http handler failed');
      else
        options.logger.warn(
          { status, path: pathname, reason: (error as Error).message },
          'http request refused',
        );
      options.onError?.(status);
      if (res.headersSent) return void res.end();
      if (status === 413) res.setHeader('connection', 'close');
      sendJson(res, status, { error: status >= 500 ? 'internal error' : (error as Error).message });
    }
  };
}

/** A request line or headers Node cannot parse never reach the handler: answer 400 and close. */
function answerClientErrors(server: Server, onError?: (status: number) => void): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    onError?.(400);
    if (!socket.writable || (error.code === 'ECONNRESET' && !socket.readable)) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
    );
  });
}

/** The path of a request target; a target that is not a valid URL is a 400, not a crash. */
export function requestPath(target: string | undefined): string {
  let url: URL;
  try {
    url = new URL(target ?? '/', 'http://localhost');
  } catch {
    throw new HttpError(400, 'malformed request target');
  }
  return url.pathname;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Stops listening and waits for the requests in progress, for at most `graceMs`: a webhook update
 * is answered within grammY's 10 s, so what is still open after 12 s is stuck (a client that
 * never finishes its body) and is cut; the platform delivers an unanswered update again.
 */
export function close(server: Server, graceMs = 12_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    // A kept-alive connection whose request ends after close() is idle from then on: closed too.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    idle.unref();
    server.close(() => {
      clearTimeout(force);
      clearInterval(idle);
      resolve();
    });
    server.closeIdleConnections();
  });
}
