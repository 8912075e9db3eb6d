import type { ReportFormat } from './format';
import type { Block } from './layout';
import type { SituationReport } from './model';

/** Dialogues and actions in the Markdown and Word report: nothing when the period had none. */
export function loopBlocks(report: SituationReport, f: ReportFormat): Block[] {
  const loop = report.loop;
  if (!loop) return [];
  const { t } = f;
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: t('report.loop.heading') }];
  if (loop.dialogues.length > 0) {
    blocks.push(
      { kind: 'paragraph', text: t('report.loop.dialogues') },
      {
        kind: 'table',
        header: t('report.loop.dialogueHeader').split('|'),
        rows: loop.dialogues.map((d) => [
          f.unit(d.unit),
          f.date(d.closedAt),
          f.int(d.questions),
          f.int(d.answered),
          f.cell(d.votes, f.int),
        ]),
        numeric: [false, false, true, true, true],
      },
    );
  }
  if (loop.actions.length > 0) {
    blocks.push(
      { kind: 'paragraph', text: t('report.loop.actions') },
      {
        kind: 'table',
        header: t('report.loop.actionHeader').split('|'),
        rows: loop.actions.map((a) => [
          f.unit(a.unit),
          a.topic,
          a.text,
          a.doneAt ? f.date(a.doneAt) : t('report.loop.notDone'),
          f.cell(a.before),
          f.cell(a.after),
        ]),
        numeric: [false, false, false, false, true, true],
      },
    );
  }
  return blocks;
}

/** The same in the chat report, in a few lines. */
export function loopLines(report: SituationReport, f: ReportFormat): string[] {
  const loop = report.loop;
  if (!loop) return [];
  const { t } = f;
  const lines: string[] = [];
  if (loop.dialogues.length > 0) {
    lines.push(
      t('report.loop.chatDialogues', {
        n: loop.dialogues.length,
        questions: loop.dialogues.reduce((s, d) => s + d.questions, 0),
        answered: loop.dialogues.reduce((s, d) => s + d.answered, 0),
      }),
    );
  }
  for (const a of loop.actions.slice(0, 5)) {
    lines.push(
      t('report.loop.chatAction', {
        id: a.id,
        unit: a.unit.name,
        topic: a.topic,
        before: f.cell(a.before),
        after: f.cell(a.after),
      }),
    );
  }
  return lines;
}
