import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { HttpRoute } from '../runtime/http/router';
import { SECURITY_HEADERS } from './http';

const FILES = [
  { path: '/sandbox/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/sandbox/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { path: '/sandbox/style.css', file: 'style.css', type: 'text/css; charset=utf-8' },
] as const;

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { ...SECURITY_HEADERS, location });
  res.end();
}

/** The page: plain HTML, CSS and one vanilla script from ./web, read once when the adapter is created. */
export function staticRoutes(): HttpRoute[] {
  const routes: HttpRoute[] = FILES.map(({ path, file, type }) => {
    const body = readFileSync(new URL(`./web/${file}`, import.meta.url));
    return {
      method: 'GET',
      path,
      handle: (_req, res) => {
        res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type });
        res.end(body);
      },
    };
  });
  routes.push(
    { method: 'GET', path: '/', handle: (_req, res) => redirect(res, '/sandbox/') },
    { method: 'GET', path: '/sandbox', handle: (_req, res) => redirect(res, '/sandbox/') },
  );
  return routes;
}
