import pino from 'pino';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { systemClock } from '../../bot/kernel/types';
import type { ChatView, Persona } from '../../bot/sandbox/directory';
import type { SandboxMessage } from '../../bot/sandbox/store';
import { applyScenario } from '../../scenarios/engine';
import { parseScenario } from '../../scenarios/load';
import type { TestDatabase } from '../helpers/db';

/** A company, two cells, a team under cell one, and one persona per kind of user. */
const ORG = `
version: 1
organisation: { name: Công ty Thử nghiệm }
units:
  - code: CTY
    name: Công ty Thử nghiệm
    children:
      - code: CB1
        name: Chi bộ Một
        children:
          - { code: T1, name: Tổ Một }
      - { code: CB2, name: Chi bộ Hai }
people:
  - { key: admin, name: Quản Trị Viên, identities: { sandbox: admin }, roles: [{ role: admin, unit: CTY }] }
  - { key: leader, name: Bí Thư Một, identities: { sandbox: leader }, roles: [{ role: leader, unit: CB1 }] }
  - { key: worker, name: Công Nhân Một, identities: { sandbox: worker }, roles: [{ role: worker, unit: T1 }] }
  - { key: other, name: Công Nhân Hai, identities: { sandbox: other }, roles: [{ role: worker, unit: CB2 }] }
chats:
  - { platform: sandbox, id: grp-cb1, title: Nhóm Chi bộ Một, unit: CB1 }
  - { platform: sandbox, id: grp-cb2, title: Nhóm Chi bộ Hai, unit: CB2 }
  - { platform: sandbox, id: grp-t1, title: Nhóm Tổ Một, unit: T1 }
`;

export async function seedOrganisation(database: TestDatabase): Promise<void> {
  const parsed = parseScenario(ORG, 'sandbox-fixture.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await applyScenario(database.db, parsed.scenario, { now: new Date() });
}

/** Pulse with only the sandbox platform, on a random port of 127.0.0.1. */
export function startSandboxApp(database: TestDatabase): Promise<PulseApp> {
  const config = loadConfig({ PORT: '0', PGLITE_DIR: 'memory://', LOG_LEVEL: 'silent' });
  return startPulse({ config, database, clock: systemClock, logger: pino({ level: 'silent' }) });
}

type Reply<T> = { status: number; headers: Headers; body: T & { error?: string } };

/** The sandbox's JSON API, typed for the tests. */
export function client(app: PulseApp) {
  const base = `http://127.0.0.1:${app.port}`;
  async function call<T>(path: string, init?: RequestInit): Promise<Reply<T>> {
    const res = await fetch(`${base}${path}`, init);
    return { status: res.status, headers: res.headers, body: (await res.json()) as Reply<T>['body'] };
  }
  const get = <T>(path: string, params: Record<string, string>) =>
    call<T>(`${path}?${new URLSearchParams(params)}`);
  const post = <T>(path: string, body: unknown) =>
    call<T>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return {
    base,
    personas: () => get<{ personas: Omit<Persona, 'personId'>[] }>('/sandbox/api/personas', {}),
    chats: (persona: string) => get<{ chats: ChatView[] }>('/sandbox/api/chats', { persona }),
    messages: (persona: string, chat: string) =>
      get<{ messages: SandboxMessage[] }>('/sandbox/api/messages', { persona, chat }),
    send: (body: unknown) => post<{ message: SandboxMessage }>('/sandbox/api/send', body),
    press: (body: unknown) => post<{ ok: boolean; chat?: string }>('/sandbox/api/press', body),
  };
}

export type SseEvent =
  | { event: 'ready'; data: { persona: string } }
  | { event: 'message'; data: SandboxMessage }
  | { event: 'toast'; data: { text: string; alert: boolean } };

/**
 * Reads the sandbox's event stream as a persona. `next` waits for the first event (past or
 * future) matching a predicate, with a timeout instead of a sleep.
 */
export async function openEvents(base: string, persona: string) {
  const abort = new AbortController();
  const res = await fetch(`${base}/sandbox/api/events?persona=${encodeURIComponent(persona)}`, {
    signal: abort.signal,
  });
  const body = res.body;
  if (!res.ok || !body) throw new Error(`events: HTTP ${res.status}`);
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = body.getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) } as SseEvent);
          end = buffer.indexOf('\n\n');
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // aborted by close()
    }
  })();

  async function next(match: (e: SseEvent) => boolean, timeoutMs = 5000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event for ${persona}; got ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
      });
    }
  }

  const messages = () => events.flatMap((e) => (e.event === 'message' ? [e.data] : []));
  const toasts = () => events.flatMap((e) => (e.event === 'toast' ? [e.data] : []));
  await next((e) => e.event === 'ready');
  return {
    messages,
    toasts,
    /** The first message event matching `match`, waiting for it when it has not come yet. */
    message: async (match: (m: SandboxMessage) => boolean = () => true) => {
      await next((e) => e.event === 'message' && match(e.data));
      return messages().find(match)!;
    },
    toast: async () => {
      await next((e) => e.event === 'toast');
      return toasts()[0]!;
    },
    close: () => abort.abort(),
  };
}
