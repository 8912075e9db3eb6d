import { CommandRegistry } from '../runtime/dispatch';
import type { MessageListener } from '../runtime/handle-event';
import { withStartPayloads } from '../runtime/start-payloads';
import type { ButtonHandler, CommandDefinition } from '../runtime/types';
import { linkAccountButtons, linkAccountCommand } from './account-links/commands';
import { directiveAckButton } from './directives/commands/directive-ack';
import {
  cancelCommand,
  directivesCommand,
  previewCommand,
  pushCommand,
  reachCommand,
} from './directives/commands/directives';
import { allowRepliesButton, createFeedbackCommand } from './feedback/commands/feedback';
import { replyCommand } from './feedback/commands/reply';
import {
  ackCommand,
  hotspotsCommand,
  incidentButtons,
  incidentCommand,
  resolveCommand,
} from './hotspots/commands/incidents';
import { keywordsCommand } from './hotspots/commands/keywords';
import { helpCommand } from './org/commands/help';
import { langCommand } from './org/commands/lang';
import { linkCommand, unlinkCommand } from './org/commands/link';
import { roleCommand } from './org/commands/role';
import { startCommand } from './org/commands/start';
import { whoamiCommand } from './org/commands/whoami';
import { pollAnswerButton } from './polls/commands/poll-answer';
import { commentCommand, commentListener, commentStartPayload } from './polls/commands/poll-comment';
import { pollCommandDefinition, pulseCommand } from './polls/commands/poll-create';
import { closeCommand, pollsCommand, resultsCommand } from './polls/commands/poll-results';
import { reportCommand } from './reports/commands/report';

/** Every command of Pulse, in the order /help lists them. */
export function createCommandRegistry(): CommandRegistry {
  const commands: CommandDefinition[] = [];
  commands.push(
    withStartPayloads(startCommand, [commentStartPayload]),
    helpCommand(() => commands),
    whoamiCommand,
    langCommand,
    createFeedbackCommand(),
    commentCommand,
    linkCommand,
    unlinkCommand,
    roleCommand,
    linkAccountCommand,
    directivesCommand,
    pushCommand,
    previewCommand,
    cancelCommand,
    reachCommand,
    pulseCommand,
    reportCommand,
    pollCommandDefinition,
    pollsCommand,
    resultsCommand,
    closeCommand,
    replyCommand,
    hotspotsCommand,
    incidentCommand,
    ackCommand,
    resolveCommand,
    keywordsCommand,
  );
  return new CommandRegistry(commands);
}

export function createButtonHandlers(): ButtonHandler[] {
  return [linkAccountButtons, directiveAckButton, pollAnswerButton, allowRepliesButton, incidentButtons];
}

/** Plain messages go through these first (a DM from someone invited to comment on a poll). */
export function createMessageListeners(): MessageListener[] {
  return [commentListener];
}
