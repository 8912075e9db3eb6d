import type { DbOrTx } from '../../../../db/client';
import { actionReports } from '../../actions';
import { DIALOGUE_K, dialogueSummaries } from '../../dialogue';
import { type LoopSection, NONE, type Period, shown, WITHHELD } from '../model';

/**
 * Dialogues closed in the period and actions recorded or done in it, under the scope. Counts below k
 * are already withheld by the dialogue feature; the before/after means are of cells of ≥ k only.
 */
export async function loopSection(
  db: DbOrTx,
  scope: { path: string },
  period: Period,
): Promise<LoopSection | undefined> {
  const range = { from: period.from, to: period.to, unitPath: scope.path };
  const [dialogues, actions] = await Promise.all([dialogueSummaries(db, range), actionReports(db, range)]);
  if (dialogues.length === 0 && actions.length === 0) return undefined;
  return {
    dialogues: dialogues.map((d) => ({
      unit: { id: d.unitId, code: d.unitCode, name: d.unitName },
      closedAt: d.closedAt ?? period.to,
      questions: d.questions,
      answered: d.answered,
      votes: d.votes !== null && d.votes >= DIALOGUE_K ? shown(d.votes) : WITHHELD,
    })),
    actions: actions.map((a) => ({
      id: a.id,
      unit: { id: a.unitId, code: a.unitCode, name: a.unitName },
      topic: a.topic,
      text: a.text,
      doneAt: a.doneAt,
      before: a.before ? shown(a.before.mean) : NONE,
      after: a.after ? shown(a.after.mean) : NONE,
    })),
  };
}
