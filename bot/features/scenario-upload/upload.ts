import { and, eq } from 'drizzle-orm';
import { scenarioUploads } from '../../../db/schema';
import type { HeldRole } from '../../kernel/roles';
import type { Platform } from '../../kernel/types';
import { recordAudit } from '../../runtime/audit';
import type { ButtonContext, InteractionContext } from '../../runtime/types';
import { uploadButton } from './buttons';
import type { RunScenario } from './port';

/** A pasted or sent scenario larger than this is refused before it is read (the shipped plans are ~45 kB). */
export const MAX_UPLOAD_BYTES = 256 * 1024;
/** Error lines shown in chat; the rest are counted. */
const MAX_ERROR_LINES = 20;
const AUDIT_COMMAND = 'scenario-upload';

/** A scenario changes the whole organisation: only an admin of all of it (no unit, or the root unit) may send one. */
export function isOrganisationAdmin(held: readonly HeldRole[]): boolean {
  return held.some((r) => r.role === 'admin' && (r.unitPath === null || /^\/\d+\/$/.test(r.unitPath)));
}

/** Pasted text that is a scenario file: its first meaningful line is `version:`. */
export function looksLikeScenario(text: string): boolean {
  const first = text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#') && line !== '---');
  return first !== undefined && /^version\s*:/.test(first);
}

/** Checks who and how big; true when the upload may be read and planned (otherwise the refusal is sent). */
export async function mayUpload(ctx: InteractionContext, size: number | null): Promise<boolean> {
  if (ctx.chat !== null) {
    await ctx.replyPrivately(ctx.t('scenarioUpload.dmOnly'));
    return false;
  }
  if (!isOrganisationAdmin(ctx.actor.roles)) {
    await ctx.reply(ctx.t('scenarioUpload.notAdmin'));
    return false;
  }
  if (size !== null && size > MAX_UPLOAD_BYTES) {
    await ctx.reply(
      ctx.t('scenarioUpload.tooLarge', { size: Math.ceil(size / 1024), max: MAX_UPLOAD_BYTES / 1024 }),
    );
    return false;
  }
  return true;
}

/** Validates and plans the file; replies with the errors, or the plan and its buttons. */
export async function planUpload(
  ctx: InteractionContext,
  run: RunScenario,
  upload: { fileName: string; text: string; platform: Platform },
): Promise<void> {
  const { deps, t, actor } = ctx;
  const now = deps.clock.now();
  const timezone = deps.config.timezone;
  const outcome = await run(deps.db, upload.text, upload.fileName, 'plan', { now, timezone });
  if (outcome.kind === 'invalid') {
    await ctx.reply(invalidText(ctx, upload.platform, upload.fileName, outcome.errors));
    return;
  }
  const shown = fitLines(ctx, upload.platform, outcome.lines);
  // A newer file replaces whatever this admin had waiting: its buttons become stale.
  await deps.db
    .update(scenarioUploads)
    .set({ status: 'superseded', decidedAt: now })
    .where(and(eq(scenarioUploads.personId, actor.person.id), eq(scenarioUploads.status, 'pending')));
  if (outcome.changes === 0) {
    await ctx.reply(t('scenarioUpload.noChanges', { file: upload.fileName, lines: shown }));
    return;
  }
  const [row] = await deps.db
    .insert(scenarioUploads)
    .values({
      personId: actor.person.id,
      platform: upload.platform,
      fileName: upload.fileName,
      text: upload.text,
      planText: outcome.lines.join('\n'),
      createdAt: now,
    })
    .returning({ id: scenarioUploads.id });
  const id = row!.id;
  await ctx.reply({
    text: t('scenarioUpload.plan', { file: upload.fileName, count: outcome.changes, timezone, lines: shown }),
    buttons: [
      [
        { label: t('scenarioUpload.apply'), data: uploadButton.data({ action: 'apply', id }) },
        { label: t('scenarioUpload.cancel'), data: uploadButton.data({ action: 'cancel', id }) },
      ],
    ],
  });
}

/** "Áp dụng" or "Huỷ" under a plan. */
export async function decideUpload(ctx: ButtonContext, run: RunScenario, payload: string): Promise<void> {
  const { deps, t, actor } = ctx;
  const decision = uploadButton.read(payload);
  const [upload] = decision
    ? await deps.db.select().from(scenarioUploads).where(eq(scenarioUploads.id, decision.id))
    : [];
  // Someone else's plan is "not found" to them: ids are not a way to see or apply another admin's file.
  if (!decision || !upload || upload.personId !== actor.person.id) {
    await ctx.answer(t('scenarioUpload.stale.unknown'), { alert: true });
    return;
  }
  if (!isOrganisationAdmin(actor.roles)) {
    await ctx.answer(t('scenarioUpload.notAdmin'), { alert: true });
    return;
  }
  if (upload.status !== 'pending') {
    await ctx.answer(t(`scenarioUpload.stale.${upload.status}`), { alert: true });
    return;
  }
  const now = deps.clock.now();
  if (decision.action === 'cancel') {
    await deps.db
      .update(scenarioUploads)
      .set({ status: 'cancelled', decidedAt: now })
      .where(and(eq(scenarioUploads.id, upload.id), eq(scenarioUploads.status, 'pending')));
    await ctx.answer(t('scenarioUpload.cancelled', { file: upload.fileName }));
    await ctx.reply(t('scenarioUpload.cancelled', { file: upload.fileName }));
    return;
  }
  const timezone = deps.config.timezone;
  const audit = (result: 'ok' | 'refused' | 'error', detail: string) =>
    recordAudit(deps.db, {
      at: now,
      actorPersonId: actor.person.id,
      platform: ctx.event.chat.platform,
      command: AUDIT_COMMAND,
      args: upload.fileName,
      result,
      detail,
    });
  let outcome: Awaited<ReturnType<RunScenario>>;
  try {
    outcome = await run(deps.db, upload.text, upload.fileName, 'apply', {
      now,
      timezone,
      expectPlan: upload.planText.split('\n'),
    });
  } catch (error) {
    await audit('error', (error as Error).message);
    throw error;
  }
  if (outcome.kind === 'applied') {
    await deps.db
      .update(scenarioUploads)
      .set({ status: 'applied', decidedAt: now })
      .where(eq(scenarioUploads.id, upload.id));
    await audit('ok', `${outcome.changes} change(s)`);
    await ctx.answer(t('scenarioUpload.applied', { file: upload.fileName, count: outcome.changes }));
    await ctx.reply(t('scenarioUpload.applied', { file: upload.fileName, count: outcome.changes }));
    return;
  }
  await deps.db
    .update(scenarioUploads)
    .set({ status: 'superseded', decidedAt: now })
    .where(eq(scenarioUploads.id, upload.id));
  if (outcome.kind === 'invalid') {
    await audit('refused', outcome.errors.slice(0, 5).join('\n'));
    await ctx.answer(t('scenarioUpload.refusedNow', { file: upload.fileName, errors: '' }).trim());
    await ctx.reply(
      t('scenarioUpload.refusedNow', {
        file: upload.fileName,
        errors: clip(ctx, ctx.event.chat.platform, outcome.errors),
      }),
    );
    return;
  }
  // The database moved on since the plan (another apply, the CLI, /role …): show the new plan instead.
  await audit('refused', 'plan changed since it was shown');
  await ctx.answer(t('scenarioUpload.changed'));
  await ctx.reply(t('scenarioUpload.changed'));
  await planUpload(ctx, run, {
    fileName: upload.fileName,
    text: upload.text,
    platform: ctx.event.chat.platform,
  });
}

function invalidText(ctx: InteractionContext, platform: Platform, file: string, errors: readonly string[]) {
  return ctx.t('scenarioUpload.invalid', { file, count: errors.length, errors: clip(ctx, platform, errors) });
}

/** The first error lines (the rest counted), within one message. */
function clip(ctx: InteractionContext, platform: Platform, lines: readonly string[]): string {
  if (lines.length > MAX_ERROR_LINES) {
    const rest = lines.length - MAX_ERROR_LINES;
    return [...lines.slice(0, MAX_ERROR_LINES), ctx.t('scenarioUpload.moreErrors', { count: rest })].join(
      '\n',
    );
  }
  return fitLines(ctx, platform, lines);
}

/** As many plan lines as fit in one message of the platform (leaving room for the words around them). */
function fitLines(ctx: InteractionContext, platform: Platform, lines: readonly string[]): string {
  const { messenger } = ctx.deps;
  const max = messenger.has(platform) ? messenger.capabilities(platform).maxTextLength : 4096;
  const budget = Math.max(500, max - 600);
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    kept.push(line);
    used += line.length + 1;
  }
  if (kept.length < lines.length)
    kept.push(ctx.t('scenarioUpload.moreLines', { count: lines.length - kept.length }));
  return kept.join('\n');
}
