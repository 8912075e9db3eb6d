import type { MessageListener } from '../../../runtime/handle-event';
import type { StartPayloadHandler } from '../../../runtime/start-payloads';
import type { InteractionContext } from '../../../runtime/types';
import { defineCommand } from '../../../runtime/types';
import { openInvites, submitComment } from '../comments';
import { COMMENT_START_PREFIX, MAX_COMMENT_LENGTH } from '../types';

async function saveComment(ctx: InteractionContext, pollId: number, text: string): Promise<void> {
  if (text.length > MAX_COMMENT_LENGTH) {
    await ctx.reply(ctx.t('polls.comment.tooLong', { max: MAX_COMMENT_LENGTH }));
    return;
  }
  const outcome = await submitComment(ctx.deps, {
    pollId,
    personId: ctx.actor.person.id,
    roles: ctx.actor.roles,
    text,
    now: ctx.deps.clock.now(),
  });
  const key = {
    saved: 'polls.comment.saved',
    already: 'polls.comment.already',
    not_invited: 'polls.comment.notInvited',
    closed: 'polls.answer.closed',
    unknown: 'polls.unknownId',
  } as const;
  await ctx.reply(ctx.t(key[outcome], { id: pollId }));
}

/** /comment ID TEXT, in the DM with the bot: the one anonymous comment allowed after answering. */
export const commentCommand = defineCommand<{ id: number; text: string }>({
  name: 'comment',
  aliases: ['ykien'],
  anonymousText: true,
  minRole: null,
  where: 'dm',
  audited: false,
  descriptionKey: 'cmd.comment',
  usageKey: 'usage.comment',
  parse: (args) => {
    const match = /^#?(\d{1,9})\s+([\s\S]+)$/.exec(args);
    return match ? { id: Number(match[1]), text: match[2]!.trim() } : null;
  },
  run: (ctx, { id, text }) => saveComment(ctx, id, text),
});

/** How long after "Thêm ý kiến" the next plain DM is taken as the comment. */
export const COMMENT_WINDOW_MINUTES = 30;

/**
 * Who pressed "Thêm ý kiến", for which poll, until when: in this process's memory only (a row would
 * tell when someone was about to comment), per running Pulse (keyed by its signal bus, as the
 * comment box). A DM reaching another process, or after the window, gets the menu; /comment works.
 */
const waiting = new WeakMap<object, Map<number, { pollId: number; until: number }>>();
function waitingOf(deps: { signals: object }): Map<number, { pollId: number; until: number }> {
  let map = waiting.get(deps.signals);
  if (!map) {
    map = new Map();
    waiting.set(deps.signals, map);
  }
  return map;
}

/**
 * The plain DM right after "Thêm ý kiến" (within its window) is the comment. Any other plain DM is
 * not: "alo" or a question about pay day is never stored as an anonymous comment.
 */
export const commentListener: MessageListener = async (ctx, event) => {
  if (event.chat.kind !== 'dm') return false;
  const map = waitingOf(ctx.deps);
  const personId = ctx.actor.person.id;
  const wait = map.get(personId);
  if (!wait) return false;
  map.delete(personId);
  if (wait.until < ctx.deps.clock.now().getTime()) return false;
  await saveComment(ctx, wait.pollId, event.text.trim());
  return true;
};

/** The "add a comment" button opens the DM with /start cmt-ID: say how to comment (or why not). */
export const commentStartPayload: StartPayloadHandler = {
  matches: (payload) => new RegExp(`^${COMMENT_START_PREFIX}\\d{1,9}$`).test(payload),
  async handle(ctx, payload) {
    const pollId = Number(payload.slice(COMMENT_START_PREFIX.length));
    const invites = await openInvites(ctx.deps, ctx.actor.person.id);
    const invite = invites.find((i) => i.pollId === pollId);
    if (invite) {
      const until = ctx.deps.clock.now().getTime() + COMMENT_WINDOW_MINUTES * 60_000;
      waitingOf(ctx.deps).set(ctx.actor.person.id, { pollId, until });
    }
    await ctx.reply(
      invite
        ? ctx.t('polls.comment.prompt', {
            id: pollId,
            question: invite.question,
            minutes: COMMENT_WINDOW_MINUTES,
          })
        : ctx.t('polls.comment.notInvited', { id: pollId }),
    );
  },
};
