import { and, eq, gte, like, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { incidents, incidentVerdicts, units } from '../../../db/schema';
import type { Verdict } from './buttons';

export type { Verdict } from './buttons';

/**
 * Records (or changes) one leader's verdict on an incident, with the topic, the concepts that
 * matched and what raised it (term, rule, model), copied from the incident. Returns the verdict it replaced, or null.
 */
export async function recordVerdict(
  db: DbOrTx,
  input: { incidentId: number; personId: number; verdict: Verdict; at: Date },
): Promise<{ ok: true; previous: Verdict | null } | { ok: false }> {
  return db.transaction(async (tx) => {
    const [incident] = await tx
      .select({ topicId: incidents.topicId, concepts: incidents.concepts, sources: incidents.sources })
      .from(incidents)
      .where(eq(incidents.id, input.incidentId));
    if (!incident) return { ok: false };
    const [before] = await tx
      .select({ verdict: incidentVerdicts.verdict })
      .from(incidentVerdicts)
      .where(
        and(eq(incidentVerdicts.incidentId, input.incidentId), eq(incidentVerdicts.personId, input.personId)),
      );
    const row = {
      topicId: incident.topicId,
      verdict: input.verdict,
      concepts: incident.concepts,
      sources: incident.sources,
      at: input.at,
    };
    await tx
      .insert(incidentVerdicts)
      .values({ incidentId: input.incidentId, personId: input.personId, ...row })
      .onConflictDoUpdate({ target: [incidentVerdicts.incidentId, incidentVerdicts.personId], set: row });
    return { ok: true, previous: before?.verdict ?? null };
  });
}

/** How many leaders judged the incident a real hot spot and how many a false alarm. */
export async function verdictCounts(
  db: DbOrTx,
  incidentId: number,
): Promise<{ hot: number; falseAlarm: number }> {
  const rows = await db
    .select({ verdict: incidentVerdicts.verdict, n: sql<number>`count(*)::int` })
    .from(incidentVerdicts)
    .where(eq(incidentVerdicts.incidentId, incidentId))
    .groupBy(incidentVerdicts.verdict);
  const of = (v: Verdict) => Number(rows.find((r) => r.verdict === v)?.n ?? 0);
  return { hot: of('hot'), falseAlarm: of('false_alarm') };
}

/**
 * An incident counts as a false alarm when more of its leaders said "Báo nhầm" than "Đúng là
 * điểm nóng", as a real hot spot otherwise; incidents nobody judged do not count.
 */
interface JudgedIncident {
  incidentId: number;
  topicId: string;
  falseAlarm: boolean;
  concepts: string[];
  sources: string[];
}

async function judgedIncidents(
  db: DbOrTx,
  filter: { from?: Date; to?: Date; unitPath?: string },
): Promise<JudgedIncident[]> {
  const rows = await db
    .select({
      incidentId: incidentVerdicts.incidentId,
      topicId: incidentVerdicts.topicId,
      verdict: incidentVerdicts.verdict,
      concepts: incidentVerdicts.concepts,
      sources: incidentVerdicts.sources,
    })
    .from(incidentVerdicts)
    .innerJoin(incidents, eq(incidents.id, incidentVerdicts.incidentId))
    .innerJoin(units, eq(units.id, incidents.unitId))
    .where(
      and(
        filter.from ? gte(incidents.openedAt, filter.from) : undefined,
        filter.to ? lt(incidents.openedAt, filter.to) : undefined,
        filter.unitPath ? like(units.path, `${filter.unitPath}%`) : undefined,
      ),
    )
    .orderBy(incidentVerdicts.incidentId);
  const byIncident = new Map<number, JudgedIncident & { votes: number }>();
  for (const row of rows) {
    const judged = byIncident.get(row.incidentId) ?? {
      incidentId: row.incidentId,
      topicId: row.topicId,
      falseAlarm: false,
      concepts: [],
      sources: [],
      votes: 0,
    };
    judged.votes += row.verdict === 'false_alarm' ? 1 : -1;
    judged.falseAlarm = judged.votes > 0;
    for (const c of row.concepts) if (!judged.concepts.includes(c)) judged.concepts.push(c);
    for (const term of row.sources) if (!judged.sources.includes(term)) judged.sources.push(term);
    byIncident.set(row.incidentId, judged);
  }
  return [...byIncident.values()].map(({ votes: _, ...judged }) => ({
    ...judged,
    concepts: judged.concepts.sort(),
    sources: judged.sources.sort(),
  }));
}

export interface TopicVerdicts {
  topicId: string;
  /** Incidents some leader judged. */
  judged: number;
  falseAlarms: number;
}

/** Per topic: judged incidents and false alarms among them (incidents opened in [from, to) under `unitPath`). */
export async function falseAlarmRates(
  db: DbOrTx,
  filter: { from?: Date; to?: Date; unitPath?: string } = {},
): Promise<TopicVerdicts[]> {
  const byTopic = new Map<string, TopicVerdicts>();
  for (const incident of await judgedIncidents(db, filter)) {
    const row = byTopic.get(incident.topicId) ?? { topicId: incident.topicId, judged: 0, falseAlarms: 0 };
    row.judged++;
    if (incident.falseAlarm) row.falseAlarms++;
    byTopic.set(incident.topicId, row);
  }
  return [...byTopic.values()].sort(
    (a, b) => b.falseAlarms - a.falseAlarms || b.judged - a.judged || a.topicId.localeCompare(b.topicId),
  );
}

export type Proposal =
  /** False alarms raised by the topic's terms: add exclusions for the harmless phrasings, or remove a term. */
  | { kind: 'terms'; falseAlarms: number }
  /** Concepts behind false alarms more than behind real ones: narrow the rule or add context/exclusions. */
  | { kind: 'concepts'; concepts: string[]; falseAlarms: number }
  /** False alarms the model raised alone (no term, no rule): add calm lines to the corpus, retrain. */
  | { kind: 'model'; falseAlarms: number }
  /** Real hot spots only the model caught: the rules lack a term or a rule for them. */
  | { kind: 'missingTerms'; hot: number };

export interface TopicReview extends TopicVerdicts {
  proposals: Proposal[];
}

/** The topics with the most false alarms (since `from`), each with what to change in the lexicon. */
export async function reviewVerdicts(db: DbOrTx, from: Date, limit = 5): Promise<TopicReview[]> {
  const judged = await judgedIncidents(db, { from });
  const rates = await falseAlarmRates(db, { from });
  return rates
    .filter((r) => r.falseAlarms > 0)
    .slice(0, limit)
    .map((rate) => {
      const mine = judged.filter((j) => j.topicId === rate.topicId);
      const wrong = mine.filter((j) => j.falseAlarm);
      const right = mine.filter((j) => !j.falseAlarm);
      const proposals: Proposal[] = [];
      const byTerm = wrong.filter((j) => j.sources.includes('term')).length;
      if (byTerm > 0) proposals.push({ kind: 'terms', falseAlarms: byTerm });
      const conceptCounts = new Map<string, number>();
      for (const j of wrong) {
        if (j.concepts.length === 0) continue;
        const key = j.concepts.join('+');
        conceptCounts.set(key, (conceptCounts.get(key) ?? 0) + 1);
      }
      for (const [key, n] of [...conceptCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
        const concepts = key.split('+');
        const hot = right.filter((j) => concepts.every((c) => j.concepts.includes(c))).length;
        if (n > hot) proposals.push({ kind: 'concepts', concepts, falseAlarms: n });
      }
      const alone = (j: JudgedIncident) => j.sources.length === 1 && j.sources[0] === 'model';
      const modelAlone = wrong.filter(alone).length;
      if (modelAlone > 0) proposals.push({ kind: 'model', falseAlarms: modelAlone });
      const caughtByModel = right.filter(alone).length;
      if (caughtByModel > 0) proposals.push({ kind: 'missingTerms', hot: caughtByModel });
      return { ...rate, proposals };
    });
}
