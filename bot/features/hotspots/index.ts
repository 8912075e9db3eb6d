import type { Feature } from '../../runtime/feature';
import {
  ackCommand,
  hotspotsCommand,
  incidentButtons,
  incidentCommand,
  resolveCommand,
  verdictButtons,
} from './commands/incidents';
import { keywordsCommand } from './commands/keywords';
import { incidentsHome } from './home';
import { hotspotJobs, listenForHotspots } from './jobs';
import { lexiconOf } from './live';
import * as messages from './messages';

export { assess, loadModel } from './assess';
export { acknowledgeIncident, findIncident, openIncidentsFor, resolveIncident } from './incidents';
export { hotspotJobs, listenForHotspots } from './jobs';
export type { Lexicon } from './lexicon';
export { LiveLexicon, lexiconOf } from './live';
export { Matcher } from './matcher';
export { type Model, type TrainingLine, train } from './model';
export { diffLexicon } from './scenario';
export { lexiconSchema } from './scenario-schema';
export { replaceLexicon } from './store';
export { type TextTopic, topicClassifier } from './themes';
export { TONES, type Tone, toneOf, toneScore } from './tone';
export { falseAlarmRates, recordVerdict, reviewVerdicts, type TopicVerdicts } from './verdicts';

/** Hot spots: keyword surges in a unit open incidents that escalate up the unit tree until acknowledged. */
export function createFeature(): Feature {
  return {
    name: 'hotspots',
    commands: [hotspotsCommand, incidentCommand, ackCommand, resolveCommand, keywordsCommand],
    buttons: [incidentButtons, verdictButtons],
    home: incidentsHome,
    messages,
    jobs: (deps) => hotspotJobs(deps),
    async start(deps) {
      listenForHotspots(deps);
      await lexiconOf(deps).refresh(deps.db);
    },
  };
}
