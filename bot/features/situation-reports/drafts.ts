import { and, eq, ne } from 'drizzle-orm';
import { people, reportSubmissions } from '../../../db/schema';
import type { Locale } from '../../kernel/i18n';
import type { HeldRole } from '../../kernel/roles';
import { isWithinPath } from '../../kernel/roles';
import { sanitizeText } from '../../kernel/sanitize';
import { formatDateTime } from '../../kernel/time';
import type { Button, OutgoingMessage } from '../../kernel/types';
import { translator } from '../../messages';
import type { Deps } from '../../runtime/deps';
import type { InteractionContext } from '../../runtime/types';
import { findUnitById, type UnitRow } from '../org';
import { reportButton } from './buttons';
import { queueSrDms } from './dms';
import { findRequest, isTarget, leadersOf, type RequestRow, type SubmissionRow, submissionOf } from './store';
import { MAX_REPORT_LENGTH, MAX_SECTION_LENGTH, type Section } from './templates';

/** Drafts a unit's report: a collaborator or leader holding that role on exactly that unit. */
export function mayDraft(held: readonly HeldRole[], unit: UnitRow): boolean {
  return (
    held.some((r) => (r.role === 'collaborator' || r.role === 'leader') && r.unitId === unit.id) ||
    maySign(held, unit)
  );
}

/** Signs (sends) a unit's report: a leader of that unit or of a unit above it. Admins ask; they do not sign. */
export function maySign(held: readonly HeldRole[], unit: UnitRow): boolean {
  return held.some((r) => r.role === 'leader' && r.unitPath !== null && isWithinPath(unit.path, r.unitPath));
}

export const sectionTitle = (section: Section, locale: Locale) => (locale === 'en' ? section.en : section.vi);

const answered = (sub: Pick<SubmissionRow, 'answers'>, section: Section) =>
  (sub.answers[section.key] ?? '') !== '';

function firstUnanswered(request: RequestRow, sub: Pick<SubmissionRow, 'answers'>): Section | undefined {
  return request.sections.find((s) => !answered(sub, s));
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The prompt for one section: its title, the current answer if any; mood sections get buttons 1–5. */
function sectionPrompt(
  locale: Locale,
  request: RequestRow,
  sub: SubmissionRow,
  section: Section,
): OutgoingMessage {
  const t = translator(locale);
  const index = request.sections.indexOf(section) + 1;
  const lines = [
    t('sr.prompt', { n: index, total: request.sections.length, section: sectionTitle(section, locale) }),
  ];
  const current = sub.answers[section.key];
  if (current) lines.push(t('sr.prompt.current', { text: clip(current, 1500) }));
  if (section.kind === 'mood') {
    lines.push(t('sr.prompt.mood'));
    const row: Button[] = [1, 2, 3, 4, 5].map((n) => ({
      label: String(n),
      data: reportButton.data({ action: 'mood', id: sub.id, n }),
    }));
    return { text: lines.join('\n\n'), buttons: [row] };
  }
  lines.push(
    t(index === 1 && !current ? 'sr.prompt.textFirst' : 'sr.prompt.text', { max: MAX_SECTION_LENGTH }),
  );
  return { text: lines.join('\n\n') };
}

/** The whole draft with a button to edit each section and one to send (or to pass it to the leader). */
export function draftSummary(
  deps: Deps,
  locale: Locale,
  request: RequestRow,
  unit: UnitRow,
  sub: SubmissionRow,
  signer: boolean,
): OutgoingMessage {
  const t = translator(locale);
  const perSection = Math.floor(3200 / Math.max(1, request.sections.length));
  const body = request.sections.map((s, i) => {
    const answer = sub.answers[s.key];
    return `${i + 1}. ${sectionTitle(s, locale)}\n${answer ? clip(answer, perSection) : t('sr.summary.empty')}`;
  });
  const header = t('sr.summary.title', {
    unit: unit.name,
    title: request.title,
    deadline: formatDateTime(request.deadline, deps.config.timezone),
  });
  const edit: Button[] = request.sections.map((_, i) => ({
    label: `✏️ ${i + 1}`,
    data: reportButton.data({ action: 'edit', id: sub.id, n: i + 1 }),
  }));
  const send: Button =
    sub.status === 'awaiting_leader' && signer
      ? { label: t('sr.button.confirm'), data: reportButton.data({ action: 'send', id: sub.id }) }
      : {
          label: t(signer ? 'sr.button.send' : 'sr.button.toLeader'),
          data: reportButton.data({ action: 'send', id: sub.id }),
        };
  return { text: [header, ...body].join('\n\n'), buttons: [edit, [send]] };
}

interface Loaded {
  request: RequestRow;
  unit: UnitRow;
  sub?: SubmissionRow;
}

/** Loads a request and one of its units, checking the actor may draft for it; a message otherwise. */
async function load(ctx: InteractionContext, requestId: number, unitId: number): Promise<Loaded | string> {
  const { db } = ctx.deps;
  const request = await findRequest(db, requestId);
  const unit = await findUnitById(db, unitId);
  if (!request || !unit || !(await isTarget(db, requestId, unitId)))
    return ctx.t('sr.unknownRequest', { id: requestId });
  if (!mayDraft(ctx.actor.roles, unit)) return ctx.t('sr.notReporter', { unit: unit.name });
  return { request, unit, sub: await submissionOf(db, requestId, unitId) };
}

async function loadById(
  ctx: InteractionContext,
  submissionId: number,
): Promise<(Loaded & { sub: SubmissionRow }) | string> {
  const [sub] = await ctx.deps.db
    .select()
    .from(reportSubmissions)
    .where(eq(reportSubmissions.id, submissionId));
  if (!sub) return ctx.t('error.staleButton');
  const loaded = await load(ctx, sub.requestId, sub.unitId);
  return typeof loaded === 'string' ? loaded : { ...loaded, sub };
}

/** "Viết báo cáo": opens the unit's one draft (creating it), takes it over, asks the next empty section. */
export async function openDraft(ctx: InteractionContext, requestId: number, unitId: number): Promise<void> {
  const loaded = await load(ctx, requestId, unitId);
  if (typeof loaded === 'string') return ctx.reply(loaded);
  const { request, unit } = loaded;
  const { db, clock } = ctx.deps;
  const me = ctx.actor.person.id;
  let sub = loaded.sub;
  if (sub?.status === 'submitted') return ctx.reply(alreadySent(ctx, sub, unit));
  const signer = maySign(ctx.actor.roles, unit);
  if (sub?.status === 'awaiting_leader') {
    if (!signer) return ctx.reply(ctx.t('sr.awaitingLeader', { unit: unit.name }));
    return ctx.reply(draftSummary(ctx.deps, ctx.actor.locale, request, unit, sub, true));
  }
  const now = clock.now();
  if (!sub) {
    [sub] = await db
      .insert(reportSubmissions)
      .values({ requestId, unitId, status: 'draft', authorId: me, editorId: me, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    sub ??= await submissionOf(db, requestId, unitId);
  }
  if (!sub) return;
  const next = firstUnanswered(request, sub);
  [sub] = await db
    .update(reportSubmissions)
    .set({ editorId: me, editingSection: next?.key ?? null, updatedAt: now })
    .where(and(eq(reportSubmissions.id, sub.id), eq(reportSubmissions.status, 'draft')))
    .returning();
  if (!sub) return;
  if (next) return ctx.reply(sectionPrompt(ctx.actor.locale, request, sub, next));
  return ctx.reply(draftSummary(ctx.deps, ctx.actor.locale, request, unit, sub, signer));
}

function alreadySent(ctx: InteractionContext, sub: SubmissionRow, unit: UnitRow): string {
  return ctx.t('sr.alreadySent', {
    unit: unit.name,
    at: sub.submittedAt ? formatDateTime(sub.submittedAt, ctx.deps.config.timezone) : '',
  });
}

/** "✏️ N": the editor's next message answers section N again. */
export async function editSection(ctx: InteractionContext, submissionId: number, n: number): Promise<void> {
  const loaded = await loadById(ctx, submissionId);
  if (typeof loaded === 'string') return ctx.reply(loaded);
  const { request, unit, sub } = loaded;
  const section = request.sections[n - 1];
  if (!section) return ctx.reply(ctx.t('error.staleButton'));
  if (sub.status === 'submitted') return ctx.reply(alreadySent(ctx, sub, unit));
  if (sub.status === 'awaiting_leader' && !maySign(ctx.actor.roles, unit))
    return ctx.reply(ctx.t('sr.awaitingLeader', { unit: unit.name }));
  const [updated] = await ctx.deps.db
    .update(reportSubmissions)
    .set({
      status: 'draft',
      editorId: ctx.actor.person.id,
      editingSection: section.key,
      updatedAt: ctx.deps.clock.now(),
    })
    .where(and(eq(reportSubmissions.id, sub.id), ne(reportSubmissions.status, 'submitted')))
    .returning();
  if (!updated) return ctx.reply(alreadySent(ctx, sub, unit));
  await ctx.reply(sectionPrompt(ctx.actor.locale, request, updated, section));
}

type Parsed = { ok: true; answers: Record<string, string> } | { ok: false; message: string };

/** "1. …\n2. …": a whole report pasted in one message, each section starting with its number. */
function splitPasted(request: RequestRow, text: string): Map<number, string> | null {
  const parts = new Map<number, string>();
  let current: number | null = null;
  for (const line of text.split('\n')) {
    const match = /^\s*(\d{1,2})\s*[.)/:-]\s*(.*)$/.exec(line);
    const n = match ? Number(match[1]) : Number.NaN;
    if (match && n >= 1 && n <= request.sections.length && !parts.has(n)) {
      current = n;
      parts.set(n, match[2]!);
    } else if (current !== null) parts.set(current, `${parts.get(current)}\n${line}`);
    else if (line.trim() !== '') return null; // text before "1.": one answer, not a pasted report
  }
  return parts.size >= 2 ? parts : null;
}

function readMood(text: string): string | null {
  const match = /^\s*([1-5])\s*(?:\/\s*5)?\s*$/.exec(text);
  return match ? match[1]! : null;
}

function parseAnswer(ctx: InteractionContext, request: RequestRow, section: Section, raw: string): Parsed {
  const locale = ctx.actor.locale;
  const text = sanitizeText(raw).trim();
  if (text.length > MAX_REPORT_LENGTH)
    return {
      ok: false,
      message: ctx.t('sr.tooLong.report', { max: MAX_REPORT_LENGTH, length: text.length }),
    };
  const pasted = splitPasted(request, text);
  const entries: [Section, string][] = pasted
    ? [...pasted].map(([n, value]) => [request.sections[n - 1]!, value.trim()])
    : [[section, text]];
  const answers: Record<string, string> = {};
  for (const [s, value] of entries) {
    const title = sectionTitle(s, locale);
    if (value === '') return { ok: false, message: ctx.t('sr.empty', { section: title }) };
    if (value.length > MAX_SECTION_LENGTH)
      return {
        ok: false,
        message: ctx.t('sr.tooLong.section', {
          section: title,
          max: MAX_SECTION_LENGTH,
          length: value.length,
        }),
      };
    if (s.kind === 'mood') {
      const mood = readMood(value);
      if (!mood) return { ok: false, message: ctx.t('sr.badMood') };
      answers[s.key] = mood;
    } else answers[s.key] = value;
  }
  return { ok: true, answers };
}

/** Saves an answer (or a whole pasted report) to the draft being edited and asks the next section. */
export async function answerSection(ctx: InteractionContext, sub: SubmissionRow, raw: string): Promise<void> {
  const request = await findRequest(ctx.deps.db, sub.requestId);
  const unit = await findUnitById(ctx.deps.db, sub.unitId);
  const section = request?.sections.find((s) => s.key === sub.editingSection);
  if (!request || !unit || !section) return;
  if (!mayDraft(ctx.actor.roles, unit)) return ctx.reply(ctx.t('sr.notReporter', { unit: unit.name }));
  const parsed = parseAnswer(ctx, request, section, raw);
  if (!parsed.ok) return ctx.reply(parsed.message);
  await saveAnswers(ctx, request, unit, sub, parsed.answers);
}

async function saveAnswers(
  ctx: InteractionContext,
  request: RequestRow,
  unit: UnitRow,
  sub: SubmissionRow,
  answers: Record<string, string>,
): Promise<void> {
  const merged = { ...sub.answers, ...answers };
  const next = firstUnanswered(request, { answers: merged });
  const [updated] = await ctx.deps.db
    .update(reportSubmissions)
    .set({
      answers: merged,
      editingSection: next?.key ?? null,
      editorId: ctx.actor.person.id,
      updatedAt: ctx.deps.clock.now(),
    })
    .where(and(eq(reportSubmissions.id, sub.id), eq(reportSubmissions.status, 'draft')))
    .returning();
  if (!updated) return ctx.reply(alreadySent(ctx, sub, unit));
  if (next) return ctx.reply(sectionPrompt(ctx.actor.locale, request, updated, next));
  await ctx.reply(
    draftSummary(ctx.deps, ctx.actor.locale, request, unit, updated, maySign(ctx.actor.roles, unit)),
  );
}

/** A mood button (1–5). */
export async function answerMood(ctx: InteractionContext, submissionId: number, n: number): Promise<void> {
  const loaded = await loadById(ctx, submissionId);
  if (typeof loaded === 'string') return ctx.reply(loaded);
  const { request, unit, sub } = loaded;
  if (sub.status !== 'draft')
    return ctx.reply(
      sub.status === 'submitted'
        ? alreadySent(ctx, sub, unit)
        : ctx.t('sr.awaitingLeader', { unit: unit.name }),
    );
  const mood = request.sections.find((s) => s.kind === 'mood');
  if (!mood || n < 1 || n > 5) return ctx.reply(ctx.t('error.staleButton'));
  await saveAnswers(ctx, request, unit, sub, { [mood.key]: String(n) });
}

/**
 * "Gửi": a leader sends the unit's report (signed by them; late when past the deadline); a
 * collaborator passes the draft to the unit's leaders, who confirm it. Every section must be filled.
 */
export async function sendDraft(ctx: InteractionContext, submissionId: number): Promise<void> {
  const loaded = await loadById(ctx, submissionId);
  if (typeof loaded === 'string') return ctx.reply(loaded);
  const { request, unit, sub } = loaded;
  const { deps, t } = ctx;
  if (sub.status === 'submitted') return ctx.reply(alreadySent(ctx, sub, unit));
  const missing = request.sections.flatMap((s, i) => (answered(sub, s) ? [] : [String(i + 1)]));
  if (missing.length > 0) return ctx.reply(t('sr.missingSections', { sections: missing.join(', ') }));
  const now = deps.clock.now();
  const me = ctx.actor.person.id;
  if (!maySign(ctx.actor.roles, unit)) {
    if (sub.status === 'awaiting_leader') return ctx.reply(t('sr.awaitingLeader', { unit: unit.name }));
    const [updated] = await deps.db
      .update(reportSubmissions)
      .set({ status: 'awaiting_leader', editingSection: null, updatedAt: now })
      .where(and(eq(reportSubmissions.id, sub.id), eq(reportSubmissions.status, 'draft')))
      .returning();
    if (!updated) return;
    const leaders = await leadersOf(deps.db, unit);
    await dmDrafts(deps, leaders, request, unit, updated, ctx.actor.person.displayName);
    deps.logger.info(
      { request: request.id, unit: unit.id, leaders: leaders.length },
      'situation report awaits its leader',
    );
    return ctx.reply(t(leaders.length > 0 ? 'sr.toLeader' : 'sr.toLeader.none', { unit: unit.name }));
  }
  const late = now > request.deadline;
  const [updated] = await deps.db
    .update(reportSubmissions)
    .set({ status: 'submitted', editingSection: null, signedBy: me, submittedAt: now, late, updatedAt: now })
    .where(and(eq(reportSubmissions.id, sub.id), ne(reportSubmissions.status, 'submitted')))
    .returning();
  if (!updated) return ctx.reply(alreadySent(ctx, sub, unit));
  deps.logger.info({ request: request.id, unit: unit.id, late }, 'situation report submitted');
  // A worry written in a report raises the same hot-spot signals, without its author.
  for (const s of request.sections) {
    const text = updated.answers[s.key];
    if (s.kind === 'text' && text)
      await deps.signals.publish({
        text,
        source: 'situation_report',
        unitId: unit.id,
        chatId: null,
        at: now,
      });
  }
  await ctx.reply(t(late ? 'sr.sent.late' : 'sr.sent', { unit: unit.name, title: request.title }));
}

/**
 * A collaborator's finished draft, to the unit's leaders, with the confirm and edit buttons: sent
 * to other people than the one who pressed, so through the outbox (`sr_draft`), once per time
 * the draft is passed on.
 */
async function dmDrafts(
  deps: Deps,
  leaders: readonly number[],
  request: RequestRow,
  unit: UnitRow,
  sub: SubmissionRow,
  author: string,
): Promise<void> {
  await queueSrDms(
    deps,
    'sr_draft',
    leaders.map((personId) => ({
      personId,
      key: `sr_draft:${sub.id}:${sub.updatedAt.getTime()}:${personId}`,
      build: (locale: Locale) => {
        const summary = draftSummary(deps, locale, request, unit, sub, true);
        const text = `${translator(locale)('sr.confirmAsk', { author, unit: unit.name })}\n\n${summary.text}`;
        return { ...summary, text };
      },
    })),
  );
}

export async function localeOf(deps: Deps, personId: number): Promise<Locale> {
  const [row] = await deps.db.select({ locale: people.locale }).from(people).where(eq(people.id, personId));
  return row?.locale ?? deps.config.locale;
}
