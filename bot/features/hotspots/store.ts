import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { hotspotSettings, hotspotTerms, hotspotTopics } from '../../../db/schema';
import {
  type EscalationPolicy,
  type Lexicon,
  type Term,
  type Topic,
  type TopicRules,
  termKey,
} from './lexicon';

export interface StoredLexicon {
  version: number;
  lexicon: Lexicon;
}

export async function readLexiconVersion(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ version: hotspotSettings.version }).from(hotspotSettings);
  return row?.version ?? 0;
}

export async function readLexicon(db: DbOrTx): Promise<StoredLexicon> {
  const [settings] = await db.select().from(hotspotSettings);
  const topicRows = await db.select().from(hotspotTopics).orderBy(asc(hotspotTopics.position));
  const termRows = await db.select().from(hotspotTerms).orderBy(asc(hotspotTerms.id));
  const topics = topicRows.map(
    (row): Topic => ({
      id: row.id,
      name: row.name,
      severity: row.severity,
      surge: {
        hits: row.surgeHits,
        windowMinutes: row.surgeWindowMinutes,
        ...(row.baselineDays !== null && row.baselineFactor !== null
          ? { baseline: { days: row.baselineDays, factor: row.baselineFactor } }
          : {}),
      },
      playbook: row.playbook,
      escalation: row.escalation as EscalationPolicy,
      ...(row.rules ? { rules: row.rules as TopicRules } : {}),
      terms: [],
      exclusions: [],
    }),
  );
  const byId = new Map(topics.map((topic) => [topic.id, topic]));
  for (const row of termRows) {
    const topic = byId.get(row.topicId);
    if (topic) (row.exclusion ? topic.exclusions : topic.terms).push({ text: row.term, exact: row.exact });
  }
  return {
    version: settings?.version ?? 0,
    lexicon: { excerpts: settings?.excerpts ?? false, topics },
  };
}

/** Every process polls this version and rebuilds its matcher when it moves. */
async function bumpVersion(db: DbOrTx, excerpts?: boolean): Promise<void> {
  await db
    .insert(hotspotSettings)
    .values({ id: 1, version: 1, excerpts: excerpts ?? false })
    .onConflictDoUpdate({
      target: hotspotSettings.id,
      set: {
        version: sql`${hotspotSettings.version} + 1`,
        ...(excerpts === undefined ? {} : { excerpts }),
      },
    });
}

/** Replaces the whole lexicon (a scenario apply). Run it inside the apply's transaction. */
export async function replaceLexicon(db: DbOrTx, lexicon: Lexicon): Promise<void> {
  await db.delete(hotspotTopics);
  for (const [position, topic] of lexicon.topics.entries()) {
    await db.insert(hotspotTopics).values({
      id: topic.id,
      name: topic.name,
      severity: topic.severity,
      surgeHits: topic.surge.hits,
      surgeWindowMinutes: topic.surge.windowMinutes,
      baselineDays: topic.surge.baseline?.days ?? null,
      baselineFactor: topic.surge.baseline?.factor ?? null,
      playbook: topic.playbook,
      escalation: topic.escalation,
      rules: topic.rules ?? null,
      position,
    });
    const rows = [
      ...topic.terms.map((term) => ({ term, exclusion: false })),
      ...topic.exclusions.map((term) => ({ term, exclusion: true })),
    ].map(({ term, exclusion }) => ({
      topicId: topic.id,
      term: term.text,
      key: termKey(term),
      exact: term.exact,
      exclusion,
      source: 'scenario' as const,
    }));
    if (rows.length > 0) await db.insert(hotspotTerms).values(rows).onConflictDoNothing();
  }
  await bumpVersion(db, lexicon.excerpts);
}

export interface TermEdit {
  term: Term;
  exclusion: boolean;
}

/** Adds terms to a topic; returns the ones that were new. */
export async function addTerms(db: DbOrTx, topicId: string, edits: readonly TermEdit[]): Promise<TermEdit[]> {
  const added: TermEdit[] = [];
  for (const edit of edits) {
    const inserted = await db
      .insert(hotspotTerms)
      .values({
        topicId,
        term: edit.term.text,
        key: termKey(edit.term),
        exact: edit.term.exact,
        exclusion: edit.exclusion,
        source: 'command',
      })
      .onConflictDoNothing()
      .returning({ id: hotspotTerms.id });
    if (inserted.length > 0) added.push(edit);
  }
  if (added.length > 0) await bumpVersion(db);
  return added;
}

/** Removes terms from a topic; returns the ones that were there. */
export async function removeTerms(
  db: DbOrTx,
  topicId: string,
  edits: readonly TermEdit[],
): Promise<TermEdit[]> {
  const removed: TermEdit[] = [];
  for (const edit of edits) {
    const deleted = await db
      .delete(hotspotTerms)
      .where(
        and(
          eq(hotspotTerms.topicId, topicId),
          eq(hotspotTerms.exclusion, edit.exclusion),
          eq(hotspotTerms.key, termKey(edit.term)),
        ),
      )
      .returning({ id: hotspotTerms.id });
    if (deleted.length > 0) removed.push(edit);
  }
  if (removed.length > 0) await bumpVersion(db);
  return removed;
}

export async function topicExists(db: DbOrTx, topicId: string): Promise<boolean> {
  const rows = await db
    .select({ id: hotspotTopics.id })
    .from(hotspotTopics)
    .where(inArray(hotspotTopics.id, [topicId]));
  return rows.length > 0;
}
