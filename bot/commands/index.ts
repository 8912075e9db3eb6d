import { directiveAckButton } from './directive-ack';
import { cancelCommand, directivesCommand, previewCommand, pushCommand, reachCommand } from './directives';
import { CommandRegistry } from './dispatch';
import { allowRepliesButton, createFeedbackCommand } from './feedback';
import type { MessageListener } from './handle-event';
import { helpCommand } from './help';
import { ackCommand, hotspotsCommand, incidentButtons, incidentCommand, resolveCommand } from './incidents';
import { keywordsCommand } from './keywords';
import { langCommand } from './lang';
import { linkCommand, unlinkCommand } from './link';
import { linkAccountButtons, linkAccountCommand } from './linkaccount';
import { pollAnswerButton } from './poll-answer';
import { commentCommand, commentListener, commentStartPayload } from './poll-comment';
import { pollCommandDefinition, pulseCommand } from './poll-create';
import { closeCommand, pollsCommand, resultsCommand } from './poll-results';
import { replyCommand } from './reply';
import { reportCommand } from './report';
import { roleCommand } from './role';
import { startCommand } from './start';
import { withStartPayloads } from './start-payloads';
import type { ButtonHandler, CommandDefinition } from './types';
import { whoamiCommand } from './whoami';

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
