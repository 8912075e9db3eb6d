import { eq } from 'drizzle-orm';
import pino from 'pino';
import { type Config, loadConfig } from '../../bot/config';
import { createPulseEventHandler } from '../../bot/features';
import { listenForHotspots } from '../../bot/features/hotspots';
import { TextSignals } from '../../bot/kernel/text-signals';
import type { ChatRef, InboundEvent, Role, UserRef } from '../../bot/kernel/types';
import { DeliveryOutcomes } from '../../bot/runtime/delivery/outcomes';
import type { Deps } from '../../bot/runtime/deps';
import type { EventHandler } from '../../bot/runtime/handle-event';
import { MessengerRouter } from '../../bot/runtime/messenger-router';
import { withCapabilityFallbacks } from '../../bot/runtime/numbered-replies';
import { identities, people, roles, units } from '../../db/schema';
import { FakeClock } from './clock';
import type { TestDatabase } from './db';
import { FAST_RATES } from './rates';
import { RecordingMessenger } from './recording-messenger';

export interface Harness {
  deps: Deps;
  clock: FakeClock;
  messenger: RecordingMessenger;
  handle: EventHandler;
  config: Config;
}

/**
 * The core wired as in production, with a recording messenger, a fake clock and FAST_RATES. `others` are
 * more platforms (e.g. a Zalo-like RecordingMessenger without buttons), wrapped like in app.ts.
 */
export function createHarness(
  database: TestDatabase,
  env: Record<string, string> = {},
  others: RecordingMessenger[] = [],
): Harness {
  const config = loadConfig({ PGLITE_DIR: 'memory://', ...FAST_RATES, ...env });
  const clock = new FakeClock();
  const messenger = new RecordingMessenger();
  const router = new MessengerRouter();
  for (const platform of [messenger, ...others]) {
    router.register(withCapabilityFallbacks(platform, { db: database.db, clock, locale: config.locale }));
  }
  const logger = pino({ level: 'silent' });
  const deps: Deps = {
    db: database.db,
    messenger: router,
    clock,
    logger,
    config,
    signals: new TextSignals(),
    deliveries: new DeliveryOutcomes(logger, { baseMs: 1 }),
  };
  listenForHotspots(deps);
  const handle = createPulseEventHandler(deps);
  return { deps, clock, messenger, handle, config };
}

let updateCounter = 0;

export function user(id: number | string, name = `Người ${id}`, username?: string): UserRef {
  return { platform: 'telegram', externalId: String(id), displayName: name, username };
}

export function group(id: string, title = `Nhóm ${id}`): ChatRef {
  return { platform: 'telegram', externalId: id, kind: 'group', title };
}

export function dm(userId: number | string): ChatRef {
  return { platform: 'telegram', externalId: String(userId), kind: 'dm' };
}

export function command(chat: ChatRef, from: UserRef, text: string): InboundEvent {
  const [head = '', ...rest] = text.replace(/^\//, '').split(' ');
  return { kind: 'command', chat, from, name: head, args: rest.join(' '), updateId: String(++updateCounter) };
}

export function message(chat: ChatRef, from: UserRef, text: string): InboundEvent {
  return { kind: 'message', chat, from, text, updateId: String(++updateCounter) };
}

/** A small organisation: CTY → CB1 → T1, and CTY → CB2; `personWith` adds a Telegram user with a role. */
export async function seedOrg(database: TestDatabase) {
  const { db } = database;
  const addUnit = async (
    code: string,
    name: string,
    parent?: { id: number; path: string; depth: number },
  ) => {
    const [row] = await db
      .insert(units)
      .values({ code, name, parentId: parent?.id ?? null, path: '', depth: parent ? parent.depth + 1 : 0 })
      .returning();
    const path = `${parent?.path ?? '/'}${row!.id}/`;
    await db.update(units).set({ path }).where(eq(units.id, row!.id));
    return { ...row!, path };
  };
  const cty = await addUnit('CTY', 'Công ty');
  const cb1 = await addUnit('CB1', 'Chi bộ 1', cty);
  const t1 = await addUnit('T1', 'Tổ 1', cb1);
  const cb2 = await addUnit('CB2', 'Chi bộ 2', cty);
  const ids = { CTY: cty.id, CB1: cb1.id, T1: t1.id, CB2: cb2.id };

  async function personWith(
    telegramId: number,
    name: string,
    role?: { role: Role; unit: keyof typeof ids | null },
  ) {
    const [person] = await db.insert(people).values({ displayName: name }).returning();
    await db.insert(identities).values({
      personId: person!.id,
      platform: 'telegram',
      externalId: String(telegramId),
      username: `u${telegramId}`,
    });
    if (role) {
      await db.insert(roles).values({
        personId: person!.id,
        unitId: role.unit ? ids[role.unit] : null,
        role: role.role,
        source: 'scenario',
      });
    }
    return person!;
  }
  return { ids, personWith };
}
