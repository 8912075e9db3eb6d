import { directiveAckButton } from './directive-ack';
import { cancelCommand, directivesCommand, previewCommand, pushCommand, reachCommand } from './directives';
import { CommandRegistry } from './dispatch';
import { helpCommand } from './help';
import { ackCommand, hotspotsCommand, incidentButtons, incidentCommand, resolveCommand } from './incidents';
import { keywordsCommand } from './keywords';
import { langCommand } from './lang';
import { linkCommand, unlinkCommand } from './link';
import { linkAccountButtons, linkAccountCommand } from './linkaccount';
import { roleCommand } from './role';
import { startCommand } from './start';
import type { ButtonHandler, CommandDefinition } from './types';
import { whoamiCommand } from './whoami';

/** Every command of Pulse, in the order /help lists them. */
export function createCommandRegistry(): CommandRegistry {
  const commands: CommandDefinition[] = [];
  commands.push(
    startCommand,
    helpCommand(() => commands),
    whoamiCommand,
    langCommand,
    linkCommand,
    unlinkCommand,
    roleCommand,
    linkAccountCommand,
    directivesCommand,
    pushCommand,
    previewCommand,
    cancelCommand,
    reachCommand,
    hotspotsCommand,
    incidentCommand,
    ackCommand,
    resolveCommand,
    keywordsCommand,
  );
  return new CommandRegistry(commands);
}

export function createButtonHandlers(): ButtonHandler[] {
  return [linkAccountButtons, directiveAckButton, incidentButtons];
}
