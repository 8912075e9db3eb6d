import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An exact path, or a prefix when it ends with "/*". */
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

export function matchRoute(
  routes: readonly HttpRoute[],
  method: string,
  pathname: string,
): HttpRoute | undefined {
  return routes.find((route) => {
    if (route.method !== method) return false;
    if (route.path.endsWith('/*')) return pathname.startsWith(route.path.slice(0, -1));
    return route.path === pathname;
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** A request the boundary answers with its own status (400, 413 …) instead of 500. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Body limits per route (bytes): decided before a byte is buffered. */
export const BODY_LIMITS = {
  /** Telegram updates are a few kB (a 4096-character message with entities); 256 kB is ample. */
  telegram: 256 * 1024,
  /** Zalo webhook batches are small JSON as well. */
  zalo: 256 * 1024,
  /** A Zalo OA event is one small JSON object; read only after its signature header looks right. */
  zaloOa: 64 * 1024,
  /** A Slack body is read only once its timestamp and signature headers look right. */
  slack: 512 * 1024,
  /** The sandbox posts one message or one press. */
  sandbox: 64 * 1024,
} as const;

/**
 * Reads a body of at most `limitBytes`: a Content-Length above it is refused before reading, and
 * a body that streams past it is cut off (413), so nothing a client sends is buffered past the cap.
 */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) {
    req.resume();
    throw new HttpError(413, `request body over ${limitBytes} bytes`);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      req.resume();
      reject(new HttpError(413, `request body over ${limitBytes} bytes`));
    };
    req.on('data', onData);
    req.once('end', () => {
      if (size <= limitBytes) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.once('error', reject);
  });
}
