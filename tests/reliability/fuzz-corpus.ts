/**
 * A deterministic corpus of malformed and odd platform payloads (issue 13: a fuzzed-update corpus
 * per platform). Each case starts from a valid payload and applies a few seeded mutations: a field
 * removed, a value of the wrong type, a huge string, control characters, an unknown kind, deep
 * nesting. The same seed gives the same corpus, so a failure names a case that can be replayed.
 */

/** mulberry32: small, fast, and the same on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const CONTROL = '\u0000\u0001\u0007\b\u001b\u007f\u0085\u202e\u2066\ufeff\ud800';

function oddValue(next: () => number): Json {
  const pick = Math.floor(next() * 14);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return -1;
    case 2:
      return 1e308;
    case 3:
      return '';
    case 4:
      return 'x'.repeat(20_000 + Math.floor(next() * 60_000));
    case 5:
      return `/whoami${CONTROL}`;
    case 6:
      return [];
    case 7:
      return {};
    case 8:
      return true;
    case 9:
      return deep(50 + Math.floor(next() * 400));
    case 10:
      return Array.from({ length: 64 }, (_, i) => i);
    case 11:
      return `${'\u0301'.repeat(500)}${'😀'.repeat(500)}`;
    case 12:
      return 2 ** 53 + 2;
    default:
      return { unknown: 'kind', nested: { deeper: [1, 'a', null] } };
  }
}

function deep(levels: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { n: value };
  return value;
}

/** Every object path in `value` (objects and arrays), root first. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (value && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    for (const [key, child] of entries)
      if (child && typeof child === 'object' && prefix.length < 6) paths(child, [...prefix, key], out);
  }
  return out;
}

function at(root: Json, path: (string | number)[]): Json {
  let node = root;
  for (const key of path) node = (node as Record<string | number, Json>)[key]!;
  return node;
}

/** One to three mutations of a deep copy of `base`. */
export function mutate(base: Json, next: () => number): Json {
  const copy = structuredClone(base);
  const count = 1 + Math.floor(next() * 3);
  for (let i = 0; i < count; i++) {
    const all = paths(copy);
    const container = at(copy, all[Math.floor(next() * all.length)]!) as Record<string, Json> | Json[];
    const keys = Array.isArray(container) ? container.map((_, k) => k) : Object.keys(container);
    const action = Math.floor(next() * 4);
    if (keys.length === 0 || action === 3) {
      // An unknown field or kind.
      const key = next() < 0.5 ? `unknown_${Math.floor(next() * 1000)}` : 'edited_business_message';
      (container as Record<string, Json>)[key] = oddValue(next);
      continue;
    }
    const key = keys[Math.floor(next() * keys.length)]!;
    if (action === 0) {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
    } else {
      (container as Record<string | number, Json>)[key] = oddValue(next);
    }
  }
  return copy;
}

/** Valid Telegram updates to start from (update_id set by the caller). */
export function telegramBases(): Json[] {
  const from = { id: 4242, is_bot: false, first_name: 'Lan', username: 'lan', language_code: 'vi' };
  const dm = { id: 4242, type: 'private', first_name: 'Lan' };
  const group = { id: -100_4242, type: 'supergroup', title: 'Chi bộ 1' };
  const message = (chat: Json, text: string) => ({
    message_id: 10,
    date: 1_700_000_000,
    chat,
    from,
    text,
    entities: text.startsWith('/')
      ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }]
      : [],
  });
  return [
    { message: message(dm, '/whoami') },
    { message: message(group, '/help@pulse_test_bot') },
    { message: message(group, 'Ca ba hôm nay đông quá') },
    { message: { ...message(group, ''), text: undefined, new_chat_members: [from] } },
    {
      callback_query: {
        id: '777',
        from,
        chat_instance: '1',
        data: 'pa:1:2',
        message: message(group, 'Câu hỏi'),
      },
    },
    {
      my_chat_member: {
        chat: group,
        from,
        date: 1_700_000_000,
        old_chat_member: { status: 'left', user: { id: 999000, is_bot: true, first_name: 'Pulse' } },
        new_chat_member: { status: 'member', user: { id: 999000, is_bot: true, first_name: 'Pulse' } },
      },
    },
  ] as Json[];
}

/** Valid Slack bodies: Events API callbacks and interactivity payloads. */
export function slackEventBases(): Json[] {
  const event = (inner: Json) => ({
    token: 'unused',
    team_id: 'T0PULSE',
    api_app_id: 'A0PULSE',
    type: 'event_callback',
    event_id: 'Ev0',
    event_time: 1_700_000_000,
    event: inner,
  });
  return [
    event({
      type: 'message',
      user: 'UFUZZ',
      text: 'Ca ba đông quá',
      channel: 'C0FUZZ',
      channel_type: 'channel',
      ts: '1.1',
    }),
    event({
      type: 'message',
      user: 'UFUZZ',
      text: 'whoami',
      channel: 'D0FUZZ',
      channel_type: 'im',
      ts: '1.2',
    }),
    event({ type: 'member_joined_channel', user: 'UFUZZ', channel: 'C0FUZZ' }),
    event({ type: 'app_mention', user: 'UFUZZ', text: '<@U0BOT> help', channel: 'C0FUZZ', ts: '1.3' }),
  ] as Json[];
}

export function slackInteractivityBases(): Json[] {
  return [
    {
      type: 'block_actions',
      team: { id: 'T0PULSE', domain: 'pulse' },
      user: { id: 'UFUZZ', username: 'fuzz', name: 'fuzz' },
      api_app_id: 'A0PULSE',
      trigger_id: '1.trigger',
      channel: { id: 'C0FUZZ', name: 'fuzz' },
      container: { type: 'message', message_ts: '1.1', channel_id: 'C0FUZZ' },
      message: { ts: '1.1', text: 'Câu hỏi', type: 'message' },
      actions: [{ type: 'button', action_id: 'pa:1:2', block_id: 'b', value: 'pa:1:2', action_ts: '1.4' }],
      response_url: 'http://127.0.0.1:9/response',
    },
    {
      type: 'view_submission',
      user: { id: 'UFUZZ' },
      view: { id: 'V1', callback_id: 'x', state: { values: {} } },
    },
    { type: 'shortcut', callback_id: 'x', user: { id: 'UFUZZ' }, trigger_id: '1.t' },
  ] as Json[];
}

export type { Json };
