import { z } from 'zod';
import { got, text } from '../../kernel/fields';
import { parseDuration } from '../../kernel/time';
import {
  type Concept,
  DEFAULT_POLICY,
  type EscalationPolicy,
  type Lexicon,
  NOTIFY_TARGETS,
  parseTerm,
  SEVERITIES,
  type Term,
  TOPIC_ID_PATTERN,
  type TopicRules,
  termKey,
} from './lexicon';

/**
 * The `lexicon:` section of a scenario file: hot-spot topics with their terms, exclusions,
 * surge rule, playbook and escalation policy. Durations are minutes, or text like 30m, 2h, 1d.
 */

const MINUTE_MS = 60_000;

/** Minutes, from a whole number or "30m" / "2h" / "1d" (the shared duration syntax, in whole minutes). */
const duration = (max: number) =>
  z
    .union([z.int(), z.string()], { error: 'must be minutes or a duration like 30m, 2h, 1d' })
    .transform((value, ctx) => {
      const ms = typeof value === 'number' ? value * MINUTE_MS : parseDuration(value);
      const minutes = ms === undefined ? Number.NaN : ms / MINUTE_MS;
      if (!Number.isInteger(minutes) || minutes < 0 || minutes > max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a duration from 0 to ${max} minutes, like 30m, 2h, 1d ${got(value)}`,
        });
        return z.NEVER;
      }
      return minutes;
    });

const term = z.string({ error: 'must be text' }).transform((value, ctx): Term => {
  const parsed = parseTerm(value);
  if ('error' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed;
});

const terms = z.array(term);
const optionalTerms = terms.nullish().transform((list) => list ?? []);

export const CONCEPT_NAME_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
export const MAX_WINDOW = 12;

/**
 * Line-level context: `cancel` takes the topic away (diễn tập), `lower` lowers its confidence (đã
 * khắc phục); `negation` right before a context phrase (no word between) undoes it ("chưa được huấn luyện" is no
 * training session, "không phải diễn tập" no drill, "chưa khắc phục xong" nothing fixed).
 */
const contextSchema = z
  .strictObject({ cancel: optionalTerms, lower: optionalTerms, negation: optionalTerms })
  .nullish()
  .transform((context) => ({
    cancel: context?.cancel ?? [],
    lower: context?.lower ?? [],
    negation: context?.negation ?? [],
  }));

/** `{ near: [salary, late], window: 4 }`: every concept within 4 other words of the next, in any order. */
const ruleSchema = z.strictObject({
  near: z
    .array(
      z.string().regex(CONCEPT_NAME_PATTERN, { error: (issue) => `must name a concept ${got(issue.input)}` }),
    )
    .min(2, { error: 'must name at least two concepts' })
    .max(4, { error: 'must name at most four concepts' }),
  window: z.int().min(0).max(MAX_WINDOW).default(3),
});

const policySchema = z
  .strictObject({
    repeat: z.int().min(0).max(10).default(DEFAULT_POLICY.repeat),
    steps: z
      .array(
        z.strictObject({
          notify: z.enum(NOTIFY_TARGETS),
          escalate_after: duration(7 * 24 * 60).pipe(
            z.number().min(1, { error: 'must be at least 1 minute' }),
          ),
        }),
      )
      .min(1, { error: 'must have at least one step' })
      .max(10),
  })
  .transform(
    (policy): EscalationPolicy => ({
      repeat: policy.repeat,
      steps: policy.steps.map((s) => ({ notify: s.notify, escalateAfterMinutes: s.escalate_after })),
    }),
  );

const surgeSchema = z.strictObject({
  hits: z.int().min(1, { error: 'must be at least 1' }).max(100_000, { error: 'must be at most 100000' }),
  window: duration(7 * 24 * 60).pipe(z.number().min(1, { error: 'must be at least 1 minute' })),
  baseline: z
    .strictObject({
      days: z.int().min(1).max(90),
      factor: z.number().positive().max(1000),
    })
    .optional(),
});

const topicSchema = z.strictObject({
  id: z.string().regex(TOPIC_ID_PATTERN, {
    error: (issue) => `must match ${TOPIC_ID_PATTERN.source} ${got(issue.input)}`,
  }),
  name: text,
  severity: z.enum(SEVERITIES),
  /** Critical topics open an incident on the first hit; others need a surge rule (default 5 in 30m). */
  surge: surgeSchema.optional(),
  terms: optionalTerms,
  exclusions: optionalTerms,
  /** Concept rules; the concepts are the lexicon's `concepts`. */
  rules: z
    .array(ruleSchema)
    .nullish()
    .transform((list) => list ?? []),
  /** Added to the lexicon's `negation` for this topic ("không có" before "tai nạn"). */
  negation: optionalTerms,
  context: contextSchema,
  playbook: text,
  escalation: policySchema.optional(),
});

export const lexiconSchema = z
  .strictObject({
    excerpts: z.boolean().default(false),
    escalation: policySchema.optional(),
    /** Named word sets the topics' rules combine: `salary: [lương, lg, tiền lương]`. */
    concepts: z.record(z.string(), terms.min(1, { error: 'must list at least one word' })).nullish(),
    /** Phrases that negate a hit right after them, for every topic ("không ai", "chưa bao giờ"). */
    negation: optionalTerms,
    /** How many words may stand between a negating phrase and the hit (default 2). */
    negation_scope: z.int().min(0).max(6).default(2),
    /** Line-level context for every topic. */
    context: contextSchema,
    topics: z.array(topicSchema).min(1, { error: 'must list at least one topic' }),
  })
  .superRefine((lexicon, ctx) => {
    const ids = new Map<string, number>();
    for (const name of Object.keys(lexicon.concepts ?? {})) {
      if (!CONCEPT_NAME_PATTERN.test(name))
        ctx.addIssue({
          code: 'custom',
          path: ['concepts', name],
          message: `concept names must match ${CONCEPT_NAME_PATTERN.source} ${got(name)}`,
        });
    }
    lexicon.topics.forEach((topic, i) => {
      if (topic.terms.length === 0 && topic.rules.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['topics', i, 'terms'],
          message: 'must list at least one term or rule',
        });
      topic.rules.forEach((rule, r) => {
        rule.near.forEach((name, c) => {
          if (!lexicon.concepts?.[name])
            ctx.addIssue({
              code: 'custom',
              path: ['topics', i, 'rules', r, 'near', c],
              message: `no concept "${name}" in lexicon.concepts`,
            });
        });
      });
      const first = ids.get(topic.id);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['topics', i, 'id'],
          message: `duplicate topic "${topic.id}" (first at topics[${first}])`,
        });
      else ids.set(topic.id, i);
      for (const list of ['terms', 'exclusions'] as const) {
        const seen = new Map<string, number>();
        topic[list].forEach((t, j) => {
          const key = termKey(t);
          const earlier = seen.get(key);
          if (earlier !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['topics', i, list, j],
              message: `"${t.text}" repeats ${list}[${earlier}] (they match the same words)`,
            });
          else seen.set(key, j);
        });
      }
    });
  })
  .transform(
    (lexicon): Lexicon => ({
      excerpts: lexicon.excerpts,
      topics: lexicon.topics.map((topic) => ({
        id: topic.id,
        name: topic.name,
        severity: topic.severity,
        terms: topic.terms,
        exclusions: topic.exclusions,
        surge: topic.surge
          ? {
              hits: topic.surge.hits,
              windowMinutes: topic.surge.window,
              ...(topic.surge.baseline ? { baseline: topic.surge.baseline } : {}),
            }
          : { hits: topic.severity === 'critical' ? 1 : 5, windowMinutes: 30 },
        playbook: topic.playbook,
        escalation: topic.escalation ?? lexicon.escalation ?? DEFAULT_POLICY,
        ...topicRules(lexicon, topic),
      })),
    }),
  );

/** A topic's rules with the lexicon-wide concepts, negation and context folded in; none when it has no rule, negation or context. */
function topicRules(
  lexicon: {
    concepts?: Record<string, Term[]> | null | undefined;
    negation: Term[];
    negation_scope: number;
    context: { cancel: Term[]; lower: Term[]; negation: Term[] };
  },
  topic: {
    rules: { near: string[]; window: number }[];
    negation: Term[];
    context: { cancel: Term[]; lower: Term[]; negation: Term[] };
  },
): { rules?: TopicRules } {
  const rules = topic.rules.map((rule) => ({
    window: rule.window,
    concepts: rule.near.map((name): Concept => ({ name, terms: lexicon.concepts?.[name] ?? [] })),
  }));
  const negation = [...lexicon.negation, ...topic.negation];
  const cancel = [...lexicon.context.cancel, ...topic.context.cancel];
  const lower = [...lexicon.context.lower, ...topic.context.lower];
  const contextNegation = [...lexicon.context.negation, ...topic.context.negation];
  if (rules.length + negation.length + cancel.length + lower.length === 0) return {};
  return {
    rules: { rules, negation, negationScope: lexicon.negation_scope, cancel, lower, contextNegation },
  };
}

export type ScenarioLexicon = z.output<typeof lexiconSchema>;
