import type { IncomingMessage, ServerResponse } from 'node:http';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { chats } from '../../db/schema';
import type { ChatRef, Clock, InboundEvent, UserRef } from '../kernel/types';
import type { HttpRoute } from '../runtime/http/router';
import { type ChatView, findPersona, listPersonas, type Persona, visibleChats } from './directory';
import { buttonEvent, textEvent } from './events';
import { fileIdOf, sendStoredFile } from './files';
import { checkRequest, HttpProblem, json, parseBody, parseQuery } from './http';
import type { SandboxHub } from './hub';
import { ANONYMOUS_PLACEHOLDER, BOT_SENDER, dmKey, parseChatKey } from './keys';
import type { SandboxMessenger } from './messenger';
import { findFile, findMessage, insertMessage, listMessages } from './store';

export interface SandboxApiDeps {
  db: Db;
  clock: Clock;
  hub: SandboxHub;
  messenger: SandboxMessenger;
  /** Hands an event to Pulse (refused while the adapter stops). */
  dispatch(event: InboundEvent): Promise<void>;
  boundHost: string;
  /** The bot's time zone, given to the page with the personas. */
  timeZone: string;
  /** Whether typed text is an anonymous source (feedback, a comment): then it is not stored. */
  isAnonymousText(text: string, chat: 'dm' | 'group'): boolean;
}

const key = z.string({ error: 'is required' }).trim().min(1, 'is required').max(200);
const personaQuery = z.object({ persona: key });
const messagesQuery = z.object({ persona: key, chat: key });
const sendBody = z.object({
  persona: key,
  chat: key,
  text: z.string().trim().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters'),
});
const pressTarget = { persona: key, chat: key, messageId: z.number().int().positive() };
const pressBody = z.union(
  [
    z.object({ ...pressTarget, data: z.string().min(1).max(64) }),
    z.object({ ...pressTarget, startPayload: z.string().min(1).max(64) }),
  ],
  { error: "give persona, chat, messageId and the button's data (or startPayload)" },
);

/** The JSON API the page (and the tests) use; every refusal is `{ error }` with a 4xx status. */
export function apiRoutes(deps: SandboxApiDeps): HttpRoute[] {
  const { db } = deps;

  async function persona(personaKey: string): Promise<Persona> {
    const found = await findPersona(db, personaKey);
    if (!found) throw new HttpProblem(404, `unknown persona "${personaKey}"`);
    return found;
  }

  /** The chat, when the persona may see it: 404 for no such chat, 403 for someone else's. */
  async function chatOf(who: Persona, chatKey: string): Promise<ChatView> {
    const visible = (await visibleChats(db, who)).find((chat) => chat.key === chatKey);
    if (visible) return visible;
    const parsed = parseChatKey(chatKey);
    const exists =
      parsed?.kind === 'dm'
        ? Boolean(await findPersona(db, parsed.externalId))
        : parsed?.kind === 'group' && (await groupExists(db, parsed.externalId));
    if (!exists) throw new HttpProblem(404, `unknown chat "${chatKey}" (use grp:<chat id> or dm:<persona>)`);
    throw new HttpProblem(403, `${who.name} (${who.key}) is not in chat "${chatKey}"`);
  }

  const route = (
    method: HttpRoute['method'],
    path: string,
    handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  ): HttpRoute => ({
    method,
    path,
    handle: async (req, res) => {
      try {
        checkRequest(req, deps.boundHost);
        await handle(req, res);
      } catch (error) {
        if (!(error instanceof HttpProblem)) throw error;
        json(res, error.status, { error: error.message });
      }
    },
  });

  return [
    route('GET', '/sandbox/api/personas', async (_req, res) => {
      json(res, 200, {
        personas: (await listPersonas(db)).map(publicPersona),
        timeZone: deps.timeZone,
      });
    }),

    route('GET', '/sandbox/api/chats', async (req, res) => {
      const who = await persona(parseQuery(req, personaQuery).persona);
      json(res, 200, { persona: publicPersona(who), chats: await visibleChats(db, who) });
    }),

    route('GET', '/sandbox/api/messages', async (req, res) => {
      const query = parseQuery(req, messagesQuery);
      const who = await persona(query.persona);
      const chat = await chatOf(who, query.chat);
      json(res, 200, { chat, messages: await listMessages(db, chat.key, who.key) });
    }),

    route('GET', '/sandbox/api/files/*', async (req, res) => {
      const id = fileIdOf(req.url);
      if (id === undefined) throw new HttpProblem(404, 'use /sandbox/api/files/<file id>?persona=<key>');
      const who = await persona(parseQuery(req, personaQuery).persona);
      const file = await findFile(db, id);
      if (!file || (file.visibleTo !== null && file.visibleTo !== who.key)) {
        throw new HttpProblem(404, `no file ${id}`);
      }
      await chatOf(who, file.chat);
      sendStoredFile(res, file);
    }),

    route('GET', '/sandbox/api/events', async (req, res) => {
      const who = await persona(parseQuery(req, personaQuery).persona);
      deps.hub.subscribe(who.key, req, res);
    }),

    route('POST', '/sandbox/api/send', async (req, res) => {
      const body = await parseBody(req, sendBody);
      const who = await persona(body.persona);
      const chat = await chatOf(who, body.chat);
      const message = await post(who, chat, body.text);
      json(res, 200, { message });
    }),

    route('POST', '/sandbox/api/press', async (req, res) => {
      const body = await parseBody(req, pressBody);
      const who = await persona(body.persona);
      const chat = await chatOf(who, body.chat);
      const message = await findMessage(db, chat.key, body.messageId, who.key);
      if (!message || message.sender !== BOT_SENDER) {
        throw new HttpProblem(404, `no bot message ${body.messageId} in chat "${chat.key}"`);
      }
      const buttons = message.buttons?.flat() ?? [];
      if ('data' in body) {
        if (!buttons.some((b) => 'data' in b && b.data === body.data)) {
          throw new HttpProblem(400, `message ${message.id} has no button "${body.data}"`);
        }
        const pressId = deps.messenger.openPress(who.key);
        const ref = { chat: chatRef(who, chat), messageId: String(message.id) };
        await deps.dispatch(buttonEvent(ref, userRef(who), { data: body.data, pressId }));
        json(res, 200, { ok: true });
        return;
      }
      if (!buttons.some((b) => 'startPayload' in b && b.startPayload === body.startPayload)) {
        throw new HttpProblem(400, `message ${message.id} has no button opening "${body.startPayload}"`);
      }
      const dm = await chatOf(who, dmKey(who.key));
      await post(who, dm, `/start ${body.startPayload}`);
      json(res, 200, { ok: true, chat: dm.key });
    }),
  ];

  /**
   * Stores what the persona typed, shows it to everyone in the chat, then lets Pulse handle it. An
   * anonymous source (/gopy, /comment, a plain DM Pulse may take as a comment) is stored and shown
   * — in the history and live — as a placeholder only: its text goes to Pulse and nowhere else.
   */
  async function post(who: Persona, chat: ChatView, text: string) {
    const stored = deps.isAnonymousText(text, chat.kind) ? ANONYMOUS_PLACEHOLDER : text;
    const message = await insertMessage(db, {
      chat: chat.key,
      sender: who.key,
      text: stored,
      at: deps.clock.now(),
    });
    await deps.hub.publish(message);
    const event = textEvent(chatRef(who, chat), userRef(who), text.normalize('NFC'), `msg:${message.id}`);
    if (event) await deps.dispatch(event);
    return message;
  }
}

function chatRef(who: Persona, chat: ChatView): ChatRef {
  if (chat.kind === 'dm') return { platform: 'sandbox', externalId: who.key, kind: 'dm' };
  const parsed = parseChatKey(chat.key)!;
  return {
    platform: 'sandbox',
    externalId: parsed.externalId,
    kind: 'group',
    title: chat.title ?? undefined,
  };
}

function userRef(who: Persona): UserRef {
  return { platform: 'sandbox', externalId: who.key, displayName: who.name };
}

function publicPersona({ personId: _, ...rest }: Persona) {
  return rest;
}

async function groupExists(db: Db, externalId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: chats.id })
    .from(chats)
    .where(and(eq(chats.platform, 'sandbox'), eq(chats.externalId, externalId)))
    .limit(1);
  return row !== undefined;
}
