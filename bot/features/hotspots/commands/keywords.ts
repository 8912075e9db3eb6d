import { asc, isNull } from 'drizzle-orm';
import { units } from '../../../../db/schema';
import { type CommandContext, defineCommand } from '../../../runtime/types';
import { ruleLabel, severityLabel } from '../alerts';
import { formatTerm, parseTerm } from '../lexicon';
import { type LiveLexicon, lexiconOf } from '../live';
import { addTerms, removeTerms, type TermEdit } from '../store';
import { reviewVerdicts } from '../verdicts';

/** How far back /keywords review looks. */
export const REVIEW_DAYS = 90;

/** /keywords review: the topics leaders most often called a false alarm, with a proposal per misfiring part. */
async function reviewText(ctx: CommandContext, live: LiveLexicon): Promise<string> {
  const { t } = ctx;
  const from = new Date(ctx.deps.clock.now().getTime() - REVIEW_DAYS * 86_400_000);
  const reviews = await reviewVerdicts(ctx.deps.db, from);
  if (reviews.length === 0) return t('keywords.review.none', { days: REVIEW_DAYS });
  const lines = [t('keywords.review.title', { days: REVIEW_DAYS })];
  for (const review of reviews) {
    const topic = review.topicId;
    const name = live.topic(topic)?.name;
    lines.push(
      t('keywords.review.topic', {
        topic: name ? `${topic} (${name})` : topic,
        falseAlarms: review.falseAlarms,
        judged: review.judged,
        rate: `${Math.round((100 * review.falseAlarms) / review.judged)} %`,
      }),
    );
    for (const p of review.proposals) {
      if (p.kind === 'terms') lines.push(t('keywords.review.terms', { n: p.falseAlarms, topic }));
      else if (p.kind === 'concepts')
        lines.push(t('keywords.review.concepts', { concepts: p.concepts.join(' + '), n: p.falseAlarms }));
      else if (p.kind === 'model') lines.push(t('keywords.review.model', { n: p.falseAlarms }));
      else lines.push(t('keywords.review.missingTerms', { n: p.hot, topic }));
    }
  }
  return lines.join('\n');
}

type KeywordsArgs =
  | { action: 'list' }
  | { action: 'review' }
  | { action: 'add' | 'remove'; topic: string; terms: string };

/** Terms are separated by commas or new lines; `!term` is an exclusion, `=term` an exact term. */
function parseEdits(raw: string): TermEdit[] | { error: string } {
  const edits: TermEdit[] = [];
  for (const piece of raw.split(/[,\n;]/)) {
    let text = piece.trim();
    if (text === '') continue;
    const exclusion = text.startsWith('!');
    if (exclusion) text = text.slice(1);
    const term = parseTerm(text);
    if ('error' in term) return term;
    edits.push({ term, exclusion });
  }
  return edits.length > 0 ? edits : { error: 'no term given' };
}

const listEdits = (edits: readonly TermEdit[]) =>
  edits.map((e) => `${e.exclusion ? '!' : ''}${formatTerm(e.term)}`).join(', ');

/**
 * /keywords [add|remove TOPIC TERM, TERM …]. Listing: any admin. Editing: an admin of the whole
 * organisation (the root unit), since one lexicon serves every unit. The matcher is rebuilt at once
 * here and within seconds in other processes.
 */
export const keywordsCommand = defineCommand<KeywordsArgs>({
  name: 'keywords',
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.keywords',
  usageKey: 'usage.keywords',
  parse: (args) => {
    if (args === '') return { action: 'list' };
    if (/^review$/i.test(args)) return { action: 'review' };
    const match = /^(add|remove)\s+([a-z][a-z0-9_-]{0,31})\s+([\s\S]+)$/i.exec(args);
    if (!match) return null;
    return {
      action: match[1]!.toLowerCase() as 'add' | 'remove',
      topic: match[2]!.toLowerCase(),
      terms: match[3]!,
    };
  },
  async scope(ctx, args) {
    if (args.action === 'list' || args.action === 'review') return { ok: true, unit: null };
    const [root] = await ctx.deps.db
      .select()
      .from(units)
      .where(isNull(units.parentId))
      .orderBy(asc(units.id))
      .limit(1);
    return { ok: true, unit: root ?? null };
  },
  async run(ctx, args) {
    const { db } = ctx.deps;
    const live = lexiconOf(ctx.deps);
    await live.refresh(db);
    const { t } = ctx;
    if (args.action === 'review') {
      await ctx.reply(await reviewText(ctx, live));
      return;
    }
    if (args.action === 'list') {
      const { topics } = live.lexicon;
      if (topics.length === 0) {
        await ctx.reply(t('keywords.empty'));
        return;
      }
      const lines = [t('keywords.title', { version: live.version })];
      for (const topic of topics) {
        lines.push(
          t('keywords.topic', {
            id: topic.id,
            name: topic.name,
            severity: severityLabel(t, topic.severity),
            rule: ruleLabel(t, topic.severity, topic.surge),
          }),
          t('keywords.terms', { terms: topic.terms.map(formatTerm).join(', ') }),
        );
        if (topic.exclusions.length > 0)
          lines.push(t('keywords.exclusions', { terms: topic.exclusions.map(formatTerm).join(', ') }));
      }
      await ctx.reply(lines.join('\n'));
      return;
    }
    const topic = live.topic(args.topic);
    if (!topic) {
      const topics = live.lexicon.topics.map((x) => x.id).join(', ') || '—';
      await ctx.reply(t('keywords.unknownTopic', { topic: args.topic, topics }));
      return;
    }
    const edits = parseEdits(args.terms);
    if ('error' in edits) {
      await ctx.reply(t('keywords.badTerm', { reason: edits.error }));
      return;
    }
    const adding = args.action === 'add';
    const changed = adding ? await addTerms(db, topic.id, edits) : await removeTerms(db, topic.id, edits);
    await live.refresh(db);
    const unchanged = edits.filter((e) => !changed.includes(e));
    const lines: string[] = [];
    if (changed.length > 0)
      lines.push(
        t(adding ? 'keywords.added' : 'keywords.removed', { topic: topic.id, terms: listEdits(changed) }),
      );
    if (unchanged.length > 0)
      lines.push(
        t('keywords.unchanged', {
          terms: listEdits(unchanged),
          why: t(adding ? 'keywords.whyPresent' : 'keywords.whyAbsent'),
        }),
      );
    await ctx.reply(lines.join('\n'));
  },
});
