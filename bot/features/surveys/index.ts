import type { Feature } from '../../runtime/feature';
import { flushSurveysAtStop } from './close';
import {
  surveyAnswerButton,
  surveyBackButton,
  surveyStartButton,
  surveyTextListener,
} from './commands/buttons';
import { surveyCommand, takeSurveyCommand } from './commands/khaosat';
import { surveyJobs } from './jobs';
import * as messages from './messages';

export { BANK_THEMES, bankSubset, QUESTION_BANK, rotationOrder, runsToCover } from './bank';
export { buildHeatMap, type HeatMap, type RollUpUnit } from './heatmap';
export { questionText } from './results';
export { applySurveyTemplateChange, planSurveyTemplates, type SurveyTemplateChange } from './scenario';
export { type ScenarioSurvey, surveyTemplateSchema } from './scenario-schema';

/** Multi-question anonymous surveys answered in the DM, one question per message, and the question bank. */
export function createFeature(): Feature {
  return {
    name: 'surveys',
    commands: [takeSurveyCommand, surveyCommand],
    buttons: [surveyAnswerButton, surveyBackButton, surveyStartButton],
    listeners: [surveyTextListener],
    messages,
    jobs: (deps) => surveyJobs(deps),
    stop: flushSurveysAtStop,
  };
}
