import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { polls } from '../../../db/schema';
import { formatDateTime } from '../../kernel/time';
import type { Button, ChatRef } from '../../kernel/types';
import { translator } from '../../messages';
import { capped, type HomeContributor, type HomeItem, type HomeViewer } from '../../runtime/home';
import { answerButtons } from './render';
import type { PollRow } from './types';

interface OpenRow {
  poll_id: number | string;
  chat_external_id: string;
  chat_kind: 'group' | 'dm';
}

/**
 * Open polls this person may still answer on this platform, each with the chat where Pulse
 * delivered it to them (their DM, or a bound group they are an active member of): a press from
 * their page counts there, in that unit's tally, exactly as a press on the message. Only polls
 * they have not answered: participation (who answered, never what) is all it reads, and the page
 * is theirs alone. The audience rule is the one of `recordAnswer` (a worker of the poll's units
 * whose role existed when it opened, or whom Pulse saw in its groups).
 */
export async function openPollsFor(
  db: DbOrTx,
  viewer: Pick<HomeViewer, 'platform' | 'account' | 'dm'> & { personId: number },
  now: Date,
): Promise<{ poll: PollRow; answerIn: ChatRef }[]> {
  const { platform, personId } = viewer;
  const dmIds = [viewer.account, ...(viewer.dm ? [viewer.dm.externalId] : [])];
  const result = await db.execute(sql`
    select d.poll_id, d.chat_external_id, d.chat_kind
    from polls p
    join poll_deliveries d on d.poll_id = p.id and d.platform = ${platform}
      and d.purpose in ('poll', 'reminder') and d.status = 'sent'
    where p.status = 'open' and p.closes_at > ${now.toISOString()}::timestamptz
      and not exists (
        select 1 from poll_participation pp where pp.poll_id = p.id and pp.person_id = ${personId})
      and (
        (d.chat_kind = 'dm' and d.chat_external_id in (${sql.join(
          dmIds.map((id) => sql`${id}`),
          sql`, `,
        )}))
        or (d.chat_kind = 'group' and exists (
          select 1 from chats c join chat_members m on m.chat_id = c.id
          where c.platform = ${platform} and c.external_id = d.chat_external_id
            and m.person_id = ${personId} and m.active))
      )
      and exists (
        select 1 from roles r join units u on u.id = r.unit_id
        where r.person_id = ${personId} and r.role = 'worker'
          and (r.source = 'seen' or p.role_watermark is null or r.id <= p.role_watermark)
          and (r.source <> 'seen' or not exists (
            select 1 from roles s where s.person_id = r.person_id and s.role <> 'worker'))
          and exists (
            select 1 from units a
            where a.id in (select (jsonb_array_elements_text(p.audience))::int)
              and u.path like a.path || '%'))
    order by d.chat_kind desc, d.id`);
  const chats = new Map<number, ChatRef>();
  for (const row of rowsOf<OpenRow>(result)) {
    const id = Number(row.poll_id);
    // The DM first ("dm" sorts after "group", hence desc): it is where the person answers alone.
    if (!chats.has(id)) chats.set(id, { platform, externalId: row.chat_external_id, kind: row.chat_kind });
  }
  if (chats.size === 0) return [];
  const rows = await db
    .select()
    .from(polls)
    .where(inArray(polls.id, [...chats.keys()]));
  return rows
    .sort((a, b) => a.closesAt.getTime() - b.closesAt.getTime())
    .map((poll) => ({ poll, answerIn: chats.get(poll.id)! }));
}

/** The page's "polls waiting for your answer", with the poll's own answer buttons. */
export const pollsHome: HomeContributor = async (deps, viewer) => {
  const { actor } = viewer;
  const t = translator(actor.locale);
  const open = await openPollsFor(deps.db, { ...viewer, personId: actor.person.id }, deps.clock.now());
  const items: HomeItem[] = open.map(({ poll, answerIn }) => ({
    key: `poll:${poll.id}`,
    title: poll.question,
    detail: t('polls.home.detail', {
      id: poll.id,
      time: formatDateTime(poll.closesAt, deps.config.timezone),
    }),
    answerIn,
    buttons: answerButtons(poll, actor.locale)
      .map((row) => row.filter((button): button is Extract<Button, { data: string }> => 'data' in button))
      .filter((row) => row.length > 0),
  }));
  return { kind: 'polls', title: t('polls.home.title'), ...capped(items) };
};

/** Rows of a raw statement: PGlite returns `{ rows }`, postgres.js the array itself. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
