import type { Feature } from '../../runtime/feature';
import {
  answerListener,
  createAskCommand,
  dialogueCommand,
  dialogueStartPayload,
  sendNowButton,
  voteButton,
} from './commands';
import { dialogueJobs, flushQuestionsAtStop } from './jobs';
import * as messages from './messages';

export {
  closeDueDialogues,
  DIALOGUE_K,
  type DialogueSummary,
  dialogueSummaries,
  flushQuestions,
  summaryText,
} from './dialogue';

/** Anonymous dialogues (/doithoai): questions by DM, upvotes in the group, answers, a closing summary. */
export function createFeature(): Feature {
  return {
    name: 'dialogue',
    commands: [dialogueCommand, createAskCommand()],
    buttons: [voteButton, sendNowButton],
    listeners: [answerListener],
    startPayloads: [dialogueStartPayload],
    messages,
    jobs: (deps) => dialogueJobs(deps),
    stop: flushQuestionsAtStop,
  };
}
