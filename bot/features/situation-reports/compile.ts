import type { Locale } from '../../kernel/i18n';
import { formatDateTime } from '../../kernel/time';
import type { ChatRef, Platform, QueuedMessage } from '../../kernel/types';
import { translator } from '../../messages';
import type { Deps } from '../../runtime/deps';
import { type OutboxInput, outgoingFileOf } from '../../runtime/outbox/store';
import { dmAccounts, findUnitById } from '../org';
import { collectReport, renderChatText, resolvePeriod } from '../reports';
import { localeOf, sectionTitle } from './drafts';
import { adminsOver, coverageOf, personNames, type RequestRow, requestTargets, submissionsOf } from './store';

/** One block of the compiled report: a heading, or lines of text. */
type Block = { kind: 'title' | 'heading' | 'line' | 'quote'; text: string };

/**
 * The compiled report (tổng hợp) of a request, as the committee sends it upward: who reported
 * (on time, late, missing), every section with each unit's answer under its name, the mean mood,
 * then what Pulse measured over the month (the report model, with its thresholds).
 */
export async function compileBlocks(deps: Deps, request: RequestRow, locale: Locale): Promise<Block[]> {
  const t = translator(locale);
  const tz = deps.config.timezone;
  const scope = (await findUnitById(deps.db, request.scopeUnitId))!;
  const targets = await requestTargets(deps.db, request.id);
  const subs = (await submissionsOf(deps.db, request.id)).filter((s) => s.status === 'submitted');
  const byUnit = new Map(subs.map((s) => [s.unitId, s]));
  const names = await personNames(
    deps.db,
    subs.flatMap((s) => (s.signedBy ? [s.signedBy] : [])),
  );
  const blocks: Block[] = [
    { kind: 'title', text: t('sr.compiled.title') },
    { kind: 'line', text: t('sr.compiled.request', { id: request.id, title: request.title }) },
    {
      kind: 'line',
      text: t('sr.compiled.scope', { unit: scope.name, deadline: formatDateTime(request.deadline, tz) }),
    },
    {
      kind: 'line',
      text: t('sr.compiled.counts', {
        submitted: subs.length,
        total: targets.length,
        late: subs.filter((s) => s.late).length,
      }),
    },
  ];
  const missing = targets.filter((x) => !byUnit.has(x.unit.id)).map((x) => x.unit.name);
  if (missing.length > 0)
    blocks.push({ kind: 'line', text: t('sr.compiled.missing', { units: missing.join(', ') }) });
  request.sections.forEach((section, i) => {
    blocks.push({ kind: 'heading', text: `${i + 1}. ${sectionTitle(section, locale)}` });
    const answers = targets.flatMap((x) => {
      const sub = byUnit.get(x.unit.id);
      const text = sub?.answers[section.key];
      return sub && text ? [{ unit: x.unit, sub, text }] : [];
    });
    if (section.kind === 'mood' && answers.length > 0) {
      const mean = answers.reduce((sum, a) => sum + Number(a.text), 0) / answers.length;
      blocks.push({
        kind: 'line',
        text: t('sr.compiled.moodMean', { mean: mean.toFixed(1), n: answers.length }),
      });
    }
    if (answers.length === 0) blocks.push({ kind: 'line', text: t('sr.compiled.noAnswer') });
    for (const a of answers) {
      const signer = a.sub.signedBy ? (names.get(a.sub.signedBy) ?? '') : '';
      const mark = a.sub.late ? ` ${t('sr.compiled.lateMark')}` : '';
      blocks.push({ kind: 'line', text: `${a.unit.name}${mark} (${signer}):` });
      for (const line of a.text.split('\n')) blocks.push({ kind: 'quote', text: line });
    }
  });
  const coverage = await coverageOf(
    deps.db,
    targets.map((x) => x.unit),
  );
  blocks.push({ kind: 'heading', text: t('sr.compiled.network') });
  blocks.push({
    kind: 'line',
    text: t('sr.ctv.coverage', { covered: targets.length - coverage.without.length, total: targets.length }),
  });
  if (coverage.without.length > 0)
    blocks.push({
      kind: 'line',
      text: t('sr.ctv.without', { units: coverage.without.map((u) => u.name).join(', ') }),
    });
  if (coverage.never.length > 0)
    blocks.push({ kind: 'line', text: t('sr.ctv.neverList', { names: coverage.never.join(', ') }) });
  blocks.push({ kind: 'heading', text: t('sr.compiled.measured') });
  const period = resolvePeriod('month', request.occurrenceAt ?? request.createdAt, tz);
  if (period) {
    const measured = await collectReport(deps, { unit: scope, period, locale });
    for (const line of renderChatText(measured, locale).split('\n'))
      blocks.push({ kind: 'line', text: line });
  }
  return blocks;
}

export function blocksToMarkdown(blocks: readonly Block[]): string {
  return `${blocks
    .map((b) => {
      if (b.kind === 'title') return `# ${b.text}\n`;
      if (b.kind === 'heading') return `\n## ${b.text}\n`;
      if (b.kind === 'quote') return `> ${b.text}`;
      return b.text === '' ? '' : `${b.text}  `;
    })
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')}\n`;
}

const FONT = 'Times New Roman';

export async function blocksToDocx(blocks: readonly Block[]): Promise<Uint8Array> {
  // Loaded on first use: docx costs tens of milliseconds of every start.
  const { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } = await import('docx');
  const paragraphs = blocks.map((b) => {
    if (b.kind === 'title')
      return new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { after: 200 },
        children: [new TextRun({ text: b.text.toUpperCase(), bold: true, font: FONT, size: 28 })],
      });
    if (b.kind === 'heading')
      return new Paragraph({
        heading: HeadingLevel.HEADING_2,
        spacing: { before: 200, after: 80 },
        children: [new TextRun({ text: b.text, bold: true, font: FONT, size: 26 })],
      });
    return new Paragraph({
      indent: b.kind === 'quote' ? { left: 567 } : undefined,
      spacing: { after: 60 },
      children: [new TextRun({ text: b.text, font: FONT, size: 26, italics: b.kind === 'quote' })],
    });
  });
  const doc = new Document({ sections: [{ children: paragraphs }] });
  return new Uint8Array(await Packer.toBuffer(doc));
}

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * The compiled report for one chat: the Word file with its caption, then the Markdown file; one
 * text message (cut to the platform's length) where the platform takes no files.
 */
async function compiledParts(
  deps: Deps,
  platform: Platform,
  request: RequestRow,
  locale: Locale,
): Promise<{ suffix: string; message: QueuedMessage }[]> {
  const blocks = await compileBlocks(deps, request, locale);
  const t = translator(locale);
  const messenger = deps.messenger.for(platform);
  const name = `tong-hop-${request.id}`;
  if (messenger.capabilities.files && messenger.sendFile) {
    const file = (suffix: string, mime: string, data: Uint8Array) => ({
      name: `${name}.${suffix}`,
      mime,
      base64: Buffer.from(data).toString('base64'),
    });
    return [
      {
        suffix: 'docx',
        message: {
          text: t('sr.compiled.caption', { id: request.id, title: request.title }),
          file: file('docx', DOCX_MIME, await blocksToDocx(blocks)),
        },
      },
      {
        suffix: 'md',
        message: {
          text: '',
          file: file(
            'md',
            'text/markdown; charset=utf-8',
            new TextEncoder().encode(blocksToMarkdown(blocks)),
          ),
        },
      },
    ];
  }
  const text = blocksToMarkdown(blocks);
  const max = messenger.capabilities.maxTextLength;
  return [{ suffix: 'text', message: { text: text.length > max ? `${text.slice(0, max - 1)}…` : text } }];
}

/** Sends the compiled report to one chat at once: the answer to a person's own command. */
export async function deliverCompiled(
  deps: Deps,
  chat: ChatRef,
  request: RequestRow,
  locale: Locale,
): Promise<void> {
  const messenger = deps.messenger.for(chat.platform);
  for (const { message } of await compiledParts(deps, chat.platform, request, locale)) {
    const { file } = message;
    if (file && messenger.sendFile) await messenger.sendFile(chat, outgoingFileOf({ ...message, file }));
    else await messenger.send(chat, { text: message.text });
  }
  deps.logger.info({ request: request.id, platform: chat.platform }, 'compiled situation report delivered');
}

/** The outbox kind of the compiled report sent at the deadline. */
export const SR_COMPILED_KIND = 'sr_compiled';

/**
 * After the deadline: the compiled report for every admin over the request's scope, in their DM,
 * as outbox rows (`sr_compiled:<request>:<platform>:<account>:<docx|md|text>`), so a 429 or a
 * restart on the way delays it instead of losing it. Only rendered here; the caller queues them.
 */
export async function compiledForAdmins(deps: Deps, request: RequestRow): Promise<OutboxInput[]> {
  const scope = await findUnitById(deps.db, request.scopeUnitId);
  if (!scope) return [];
  const inputs: OutboxInput[] = [];
  for (const personId of await adminsOver(deps.db, scope)) {
    const [account] = await dmAccounts(deps.db, deps.messenger, personId);
    if (!account) continue;
    const locale = await localeOf(deps, personId);
    for (const { suffix, message } of await compiledParts(deps, account.platform, request, locale))
      inputs.push({
        key: `${SR_COMPILED_KIND}:${request.id}:${account.platform}:${account.externalId}:${suffix}`,
        kind: SR_COMPILED_KIND,
        to: { chat: { platform: account.platform, externalId: account.externalId, kind: 'dm' } },
        message,
        notBefore: deps.clock.now(),
      });
  }
  return inputs;
}
