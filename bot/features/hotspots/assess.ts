import { readFileSync } from 'node:fs';
import type { Matcher } from './matcher';
import { Model, type ModelFile } from './model';

/** Where a topic's hit came from. */
export type HitSource = 'rule' | 'model' | 'both';

export interface Assessment {
  /** Index into `Matcher.topicIds`. */
  topic: number;
  /** 0–1: how sure Pulse is that the line raises the topic. */
  confidence: number;
  source: HitSource;
  terms: string[];
  concepts: string[];
}

/**
 * The model raises a topic on its own only when it is this sure (0.9 until outsider batch 10, where
 * 0.8 found two more of its 56 worries blind; 0.85 since batch 13, whose model gave three calm
 * held-out lines 0.805–0.808: at 0.85 they stay calm, for one line of cross-validation recall);
 * it confirms a rule's hit from 0.5;
 * under VETO, while it gives another topic at least MODEL_AGREES, it moves a hit of concept rules
 * alone (no term) to that topic: the words were the neighbouring topic's (smoke of a fire
 * underground is an accident, not pollution), and the line is still a worry. A model that finds
 * every topic unlikely has not seen the kind of line: it does not overrule then (outsider batches 4
 * and 5 lost six true worries to that veto, and no false alarm).
 */
export const MODEL_ALONE = 0.85;
export const MODEL_AGREES = 0.5;
export const VETO = 0.05;

export const SHIPPED_MODEL = new URL('./model.json', import.meta.url);

export function loadModel(file: URL | string = SHIPPED_MODEL): Model {
  return Model.fromFile(JSON.parse(readFileSync(file, 'utf8')) as ModelFile);
}

/**
 * Rules first, the model second. A rule hit stands (confidence 0.6–1 with the model's agreement),
 * but a hit of concepts alone moves to the topic the model puts the line under (VETO above); a hit
 * the line's context lowers stands
 * only when the model agrees; a cancelled topic (diễn tập) stays cancelled; the model alone raises
 * a topic only above MODEL_ALONE. The model runs only on lines with some word of the lexicon (a
 * term, a concept word or a context phrase): a line with none costs the matcher's scan alone.
 * `modelOf` may be a function, so a model is loaded only when a line first reaches it.
 */
export function assess(
  matcher: Matcher,
  modelOf: Model | (() => Model) | undefined,
  text: string,
): Assessment[] {
  const analysis = matcher.analyse(text);
  if (!modelOf || !analysis.vocabulary) {
    return analysis.verdicts
      .filter((v) => v.strength === 'hit')
      .map((v) => ({
        topic: v.topic,
        confidence: 0.6,
        source: 'rule',
        terms: v.terms,
        concepts: v.concepts,
      }));
  }
  const model = typeof modelOf === 'function' ? modelOf() : modelOf;
  const probabilities = model.predict(text);
  const probability = (topic: number) => {
    const at = model.topics.indexOf(matcher.topicIds[topic]!);
    return at < 0 ? undefined : probabilities[at]!;
  };
  const out: Assessment[] = [];
  const elsewhere = probabilities.some((q) => q >= MODEL_AGREES);
  const ruled = new Set<number>(analysis.cancelled);
  let retopic = false;
  for (const verdict of analysis.verdicts) {
    ruled.add(verdict.topic);
    const p = probability(verdict.topic);
    const agrees = p !== undefined && p >= MODEL_AGREES;
    if (verdict.strength === 'lowered' && !agrees) continue;
    // Only a hit of concepts alone is overruled: a term is a phrase someone chose on purpose.
    if (p !== undefined && p < VETO && verdict.terms.length === 0 && elsewhere) {
      retopic = true;
      continue;
    }
    const base = verdict.strength === 'hit' ? 0.6 : 0.3;
    out.push({
      topic: verdict.topic,
      confidence: round(base + 0.4 * (p ?? 0.5)),
      source: agrees ? 'both' : 'rule',
      terms: verdict.terms,
      concepts: verdict.concepts,
    });
  }
  for (let topic = 0; topic < matcher.topicIds.length; topic++) {
    if (ruled.has(topic)) continue;
    const p = probability(topic);
    if (p !== undefined && (p >= MODEL_ALONE || (retopic && p >= MODEL_AGREES)))
      out.push({ topic, confidence: round(p), source: 'model', terms: [], concepts: [] });
  }
  return out.sort((a, b) => a.topic - b.topic);
}

const round = (value: number) => Math.round(value * 1000) / 1000;
