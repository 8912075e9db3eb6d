import type { IncomingMessage, ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './http';
import type { SandboxMessage } from './store';

const HEARTBEAT_MS = 25_000;

interface Subscriber {
  persona: string;
  res: ServerResponse;
}

/**
 * Live updates over Server-Sent Events, one stream per open page. A persona receives messages of
 * the chats it can see (ephemeral ones only when addressed to it) and its own button toasts.
 */
export class SandboxHub {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly canSee: (persona: string, chat: string) => Promise<boolean>) {}

  /** Takes over the response as an event stream until the client goes away or the hub closes. */
  subscribe(persona: string, req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    const subscriber = { persona, res };
    this.subscribers.add(subscriber);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const drop = () => {
      clearInterval(heartbeat);
      this.subscribers.delete(subscriber);
    };
    req.once('close', drop);
    res.once('close', drop);
    write(res, 'ready', { persona });
  }

  /** Delivers a new or edited message to every stream whose persona may see it. */
  async publish(message: SandboxMessage): Promise<void> {
    const allowed = new Map<string, boolean>();
    for (const subscriber of [...this.subscribers]) {
      const { persona } = subscriber;
      if (message.visibleTo !== null && message.visibleTo !== persona) continue;
      if (!allowed.has(persona)) allowed.set(persona, await this.canSee(persona, message.chat));
      if (allowed.get(persona)) write(subscriber.res, 'message', message);
    }
  }

  /** A button answer: only the persona who pressed sees it, on every page it has open. */
  toast(persona: string, toast: { text: string; alert: boolean }): void {
    for (const subscriber of this.subscribers)
      if (subscriber.persona === persona) write(subscriber.res, 'toast', toast);
  }

  get size(): number {
    return this.subscribers.size;
  }

  closeAll(): void {
    for (const subscriber of this.subscribers) subscriber.res.end();
    this.subscribers.clear();
  }
}

function write(res: ServerResponse, event: string, data: unknown): void {
  if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
