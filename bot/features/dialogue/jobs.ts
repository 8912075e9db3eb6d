import type { Deps } from '../../runtime/deps';
import type { Job } from '../../runtime/scheduler';
import { closeDueDialogues, flushQuestions } from './dialogue';
import { questionOutboxOf } from './outbox';

/**
 * A failed write of questions may quote their text (a failed query's parameters): the error goes out
 * at debug level only; at error level, one line that says nothing of the questions.
 */
function quietly(deps: Deps, what: string, work: () => Promise<unknown>): Promise<void> {
  return work().then(
    () => {},
    (error) => {
      deps.logger.debug({ err: error }, what);
      deps.logger.error(`${what} (details at debug level)`);
    },
  );
}

/** The dialogue's scheduler jobs: the hourly step for questions, and closing at --until. */
export function dialogueJobs(deps: Deps): Job[] {
  return [
    {
      name: 'dialogue-questions',
      cron: '*/5 * * * *',
      run: (now) =>
        quietly(deps, 'dialogue questions could not be written; kept for the next step', () =>
          flushQuestions(deps, now),
        ),
    },
    {
      name: 'dialogue-close',
      cron: '* * * * *',
      run: (now) =>
        quietly(deps, 'dialogues could not be closed; retried next minute', () =>
          closeDueDialogues(deps, now),
        ),
    },
  ];
}

/** A graceful stop writes and posts every question this process holds, as one shuffled batch. */
export async function flushQuestionsAtStop(deps: Deps): Promise<void> {
  if (questionOutboxOf(deps).held() === 0) return;
  await quietly(deps, 'held dialogue questions could not be written at shutdown', () =>
    flushQuestions(deps, deps.clock.now(), { all: true }),
  );
}
