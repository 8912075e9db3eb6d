import type { Deps } from '../../runtime/deps';
import type { Job } from '../../runtime/scheduler';
import { closeDueDialogues, flushQuestions } from './dialogue';
import { questionOutboxOf } from './outbox';

/** The dialogue's scheduler jobs: the hourly step for questions, and closing at --until. */
export function dialogueJobs(deps: Deps): Job[] {
  return [
    {
      name: 'dialogue-questions',
      cron: '*/5 * * * *',
      run: async (now) => void (await flushQuestions(deps, now)),
    },
    {
      name: 'dialogue-close',
      cron: '* * * * *',
      run: async (now) => void (await closeDueDialogues(deps, now)),
    },
  ];
}

/** A graceful stop writes and posts every question this process holds, as one shuffled batch. */
export async function flushQuestionsAtStop(deps: Deps): Promise<void> {
  if (questionOutboxOf(deps).held() === 0) return;
  try {
    await flushQuestions(deps, deps.clock.now(), { all: true });
  } catch (error) {
    deps.logger.error({ err: error }, 'held dialogue questions could not be written at shutdown');
  }
}
