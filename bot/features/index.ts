import type { DbOrTx } from '../../db/client';
import { runScenarioText } from '../../scenarios/service';
import type { Deps } from '../runtime/deps';
import { CommandRegistry } from '../runtime/dispatch';
import type { Feature } from '../runtime/feature';
import { createEventHandler, type EventHandler, type EventHandlerOptions } from '../runtime/handle-event';
import { createHomeSource, type HomeSource } from '../runtime/home';
import { withStartPayloads } from '../runtime/start-payloads';
import type { ButtonHandler, CommandDefinition } from '../runtime/types';
import * as accountLinks from './account-links';
import * as actions from './actions';
import * as dialogue from './dialogue';
import * as directives from './directives';
import * as feedback from './feedback';
import * as hotspots from './hotspots';
import * as org from './org';
import * as outbox from './outbox';
import * as polls from './polls';
import * as reports from './reports';
import * as scenarioUpload from './scenario-upload';
import * as situationReports from './situation-reports';
import * as surveys from './surveys';

/** Every feature of Pulse, one line each, in the order /help lists their commands. */
export function createFeatures(): Feature[] {
  return [
    // First: a pasted scenario (an admin's DM starting with `version:`) is never taken as feedback.
    scenarioUpload.createFeature(runScenarioText),
    org.createFeature(),
    feedback.createFeature(),
    situationReports.createFeature(),
    // Before polls: a DM typed while a survey's open-text question waits is that answer.
    surveys.createFeature(),
    polls.createFeature(),
    accountLinks.createFeature(),
    directives.createFeature(),
    reports.createFeature(),
    hotspots.createFeature(),
    dialogue.createFeature(),
    actions.createFeature(),
    outbox.createFeature(),
  ];
}

/** The commands of the features; /start hands the deep-link payloads it does not know to their feature. */
export function createCommandRegistry(features: readonly Feature[] = createFeatures()): CommandRegistry {
  const payloads = features.flatMap((f) => f.startPayloads ?? []);
  const commands: CommandDefinition[] = features
    .flatMap((f) => f.commands ?? [])
    .map((command) => (command.name === 'start' ? withStartPayloads(command, payloads) : command));
  return new CommandRegistry(commands);
}

export function createButtonHandlers(features: readonly Feature[] = createFeatures()): ButtonHandler[] {
  return features.flatMap((f) => f.buttons ?? []);
}

/** Everything the runtime's event handler needs from the features. */
export function eventHandlerOptions(
  db: DbOrTx,
  features: readonly Feature[] = createFeatures(),
): EventHandlerOptions {
  return {
    directory: org.createActorDirectory(db),
    commands: createCommandRegistry(features),
    buttons: createButtonHandlers(features),
    listeners: features.flatMap((f) => f.listeners ?? []),
    reactions: features.flatMap((f) => f.reactions ?? []),
    files: features.flatMap((f) => f.files ?? []),
  };
}

/** The event handler wired with every feature (tests may replace parts of the options). */
export function createPulseEventHandler(
  deps: Deps,
  overrides: Partial<EventHandlerOptions> = {},
  features: readonly Feature[] = createFeatures(),
): EventHandler {
  return createEventHandler(deps, { ...eventHandlerOptions(deps.db, features), ...overrides });
}

/** A person's own page (Slack's Home tab), each feature's section in /help order. */
export function createPersonalHome(deps: Deps, features: readonly Feature[] = createFeatures()): HomeSource {
  return createHomeSource(
    deps,
    org.createActorDirectory(deps.db),
    features.flatMap((f) => (f.home ? [f.home] : [])),
  );
}
