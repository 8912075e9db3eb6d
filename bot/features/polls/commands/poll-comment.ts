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

/**
 * A plain DM from someone invited to comment becomes their comment; with several open invitations
 * Pulse asks which poll it is for instead of guessing.
 */
export const commentListener: MessageListener = async (ctx, event) => {
  if (event.chat.kind !== 'dm') return false;
  const invites = await openInvites(ctx.deps, ctx.actor.person.id);
  if (invites.length === 0) return false;
  if (invites.length > 1) {
    await ctx.reply(ctx.t('polls.comment.which', { ids: invites.map((i) => `#${i.pollId}`).join(', ') }));
    return true;
  }
  await saveComment(ctx, invites[0]!.pollId, event.text.trim());
  return true;
};

/** The "add a comment" button opens the DM with /start cmt-ID: say how to comment (or why not). */
export const commentStartPayload: StartPayloadHandler = {
  matches: (payload) => new RegExp(`^${COMMENT_START_PREFIX}\\d{1,9}$`).test(payload),
  async handle(ctx, payload) {
    const pollId = Number(payload.slice(COMMENT_START_PREFIX.length));
    const invites = await openInvites(ctx.deps, ctx.actor.person.id);
    const invite = invites.find((i) => i.pollId === pollId);
    await ctx.reply(
      invite
        ? ctx.t('polls.comment.prompt', { id: pollId, question: invite.question })
        : ctx.t('polls.comment.notInvited', { id: pollId }),
    );
  },
};
