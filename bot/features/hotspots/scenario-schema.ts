import { z } from 'zod';
import { got, text } from '../../kernel/fields';
import { parseDuration } from '../../kernel/time';
import {
  DEFAULT_POLICY,
  type EscalationPolicy,
  type Lexicon,
  NOTIFY_TARGETS,
  parseTerm,
  SEVERITIES,
  type Term,
  TOPIC_ID_PATTERN,
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
  terms: terms.min(1, { error: 'must list at least one term' }),
  exclusions: terms.nullish().transform((list) => list ?? []),
  playbook: text,
  escalation: policySchema.optional(),
});

export const lexiconSchema = z
  .strictObject({
    excerpts: z.boolean().default(false),
    escalation: policySchema.optional(),
    topics: z.array(topicSchema).min(1, { error: 'must list at least one topic' }),
  })
  .superRefine((lexicon, ctx) => {
    const ids = new Map<string, number>();
    lexicon.topics.forEach((topic, i) => {
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
      })),
    }),
  );

export type ScenarioLexicon = z.output<typeof lexiconSchema>;
