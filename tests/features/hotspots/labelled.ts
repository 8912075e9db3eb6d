import { fileURLToPath } from 'node:url';

export { type LabelledLine, readLabelled, score } from '../../../scenarios/lexicon-eval';

export const SHIPPED_SCENARIO = fileURLToPath(new URL('../../../scenarios/2024-dlxh.yaml', import.meta.url));
