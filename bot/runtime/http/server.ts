import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type HttpRoute, matchRoute, sendJson } from './router';

export interface HttpServerOptions {
  routes: () => readonly HttpRoute[];
  ready: () => Promise<void>;
  metrics: Registry;
  logger: Logger;
}

/** One HTTP server for everything: health, readiness, metrics, webhooks and the sandbox. */
export function createHttpServer(options: HttpServerOptions): Server {
  const builtIn: HttpRoute[] = [
    { method: 'GET', path: '/healthz', handle: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      handle: async (_req, res) => {
        try {
          await options.ready();
          sendJson(res, 200, { status: 'ready' });
        } catch (error) {
          options.logger.warn({ err: error }, 'not ready');
          sendJson(res, 503, { status: 'unavailable' });
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
  return createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = matchRoute([...builtIn, ...options.routes()], req.method ?? 'GET', pathname);
    if (!route) return sendJson(res, 404, { error: 'not found' });
    try {
      await route.handle(req, res);
    } catch (error) {
      options.logger.error({ err: error, path: pathname }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    }
  });
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

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
