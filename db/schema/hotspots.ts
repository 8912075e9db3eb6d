import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { PLATFORMS } from '../../bot/kernel/types';
import { people, units } from './org';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** A topic of the hot-spot lexicon (wages, safety …), with its surge rule, playbook and escalation policy. */
export const hotspotTopics = pgTable('hotspot_topics', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  severity: text('severity', { enum: ['low', 'medium', 'high', 'critical'] }).notNull(),
  surgeHits: integer('surge_hits').notNull(),
  surgeWindowMinutes: integer('surge_window_minutes').notNull(),
  baselineDays: integer('baseline_days'),
  baselineFactor: doublePrecision('baseline_factor'),
  playbook: text('playbook').notNull(),
  /** `{ steps: [{ notify, escalateAfterMinutes }], repeat }` */
  escalation: jsonb('escalation').notNull(),
  /** Concept rules, negation and line context (`TopicRules`), null for a topic of terms only. */
  rules: jsonb('rules'),
  position: integer('position').notNull(),
});

/** Terms and exclusions of a topic, as written (NFC); `key` is how the matcher compares them. */
export const hotspotTerms = pgTable(
  'hotspot_terms',
  {
    id: serial('id').primaryKey(),
    topicId: text('topic_id')
      .notNull()
      .references(() => hotspotTopics.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    term: text('term').notNull(),
    key: text('key').notNull(),
    exact: boolean('exact').notNull(),
    exclusion: boolean('exclusion').notNull(),
    source: text('source', { enum: ['scenario', 'command'] }).notNull(),
  },
  (t) => [uniqueIndex('hotspot_terms_topic_key_uq').on(t.topicId, t.exclusion, t.key)],
);

/** One row (id 1): lexicon-wide settings and a version every process polls to rebuild its matcher. */
export const hotspotSettings = pgTable('hotspot_settings', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull().default(0),
  excerpts: boolean('excerpts').notNull().default(false),
});

/**
 * Hits counted per unit, chat, topic, source and minute: never the author, never the text.
 * `chat_id` is null for sources without a chat (anonymous feedback, poll comments).
 */
export const hotspotHits = pgTable(
  'hotspot_hits',
  {
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    chatId: integer('chat_id'),
    topicId: text('topic_id').notNull(),
    source: text('source', {
      enum: ['group', 'feedback', 'poll_comment', 'survey_text', 'situation_report'],
    }).notNull(),
    bucket: at('bucket').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    unique('hotspot_hits_key_uq').on(t.unitId, t.chatId, t.topicId, t.source, t.bucket).nullsNotDistinct(),
    index('hotspot_hits_unit_topic_bucket_idx').on(t.unitId, t.topicId, t.bucket),
    index('hotspot_hits_bucket_idx').on(t.bucket),
  ],
);

/**
 * A hot spot (điểm nóng). While not resolved, (unit, topic) is its dedup key. `next_step_at` is
 * when the escalation job runs step `next_step_index`; null once acknowledged, resolved or exhausted.
 */
export const incidents = pgTable(
  'incidents',
  {
    id: serial('id').primaryKey(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    topicId: text('topic_id').notNull(),
    /** The topic's name and severity when it opened (the lexicon may change later). */
    topicName: text('topic_name').notNull(),
    severity: text('severity', { enum: ['low', 'medium', 'high', 'critical'] }).notNull(),
    status: text('status', { enum: ['open', 'acknowledged', 'resolved'] }).notNull(),
    hitCount: integer('hit_count').notNull(),
    windowMinutes: integer('window_minutes').notNull(),
    /** The topic's escalation policy when it opened, so a lexicon edit never reshapes a running escalation. */
    escalation: jsonb('escalation').notNull(),
    openedAt: at('opened_at').notNull(),
    lastHitAt: at('last_hit_at').notNull(),
    acknowledgedAt: at('acknowledged_at'),
    acknowledgedBy: integer('acknowledged_by').references(() => people.id, { onDelete: 'set null' }),
    resolvedAt: at('resolved_at'),
    resolvedBy: integer('resolved_by').references(() => people.id, { onDelete: 'set null' }),
    resolutionNote: text('resolution_note'),
    nextStepIndex: integer('next_step_index').notNull().default(0),
    nextStepAt: at('next_step_at'),
    /**
     * The concepts of the rules that matched (lexicon names such as "salary", "late") and what
     * raised the hits ("term", "rule", "model"), a union over the incident's hits, so leaders'
     * verdicts say which part of the lexicon misfires. Never the terms themselves (a message may
     * be exactly a term), never a word of a message, never an author.
     */
    concepts: text('concepts').array().notNull().default(sql`'{}'::text[]`),
    sources: text('sources').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [
    uniqueIndex('incidents_open_dedup_uq').on(t.unitId, t.topicId).where(sql`${t.status} <> 'resolved'`),
    index('incidents_due_idx').on(t.nextStepAt).where(sql`${t.status} = 'open'`),
    index('incidents_unit_topic_idx').on(t.unitId, t.topicId, t.resolvedAt),
  ],
);

/** An incident's timeline. Hits are merged per minute into one `hits` row. */
export const incidentEvents = pgTable(
  'incident_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    at: at('at').notNull(),
    kind: text('kind', {
      enum: ['opened', 'hits', 'step', 'acknowledged', 'resolved', 'exhausted'],
    }).notNull(),
    count: integer('count'),
    stepIndex: integer('step_index'),
    target: text('target'),
    personId: integer('person_id').references(() => people.id, { onDelete: 'set null' }),
  },
  (t) => [index('incident_events_incident_idx').on(t.incidentId, t.id)],
);

/**
 * One DM alert per (incident, step, person), written before it is sent and marked after, so a
 * restart resumes the sends and several processes never send one twice.
 */
export const incidentAlerts = pgTable(
  'incident_alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    stepIndex: integer('step_index').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** `queued`: handed to the outbox (key `hotspot_alert:<incident>:<id>`), its outcome copied back. */
    status: text('status', {
      enum: ['pending', 'sending', 'queued', 'sent', 'failed', 'cancelled'],
    }).notNull(),
    claimedAt: at('claimed_at'),
    sentAt: at('sent_at'),
    /** Where the DM went, so acknowledging can update every alert of the incident. */
    platform: text('platform', { enum: PLATFORMS }),
    chatExternalId: text('chat_external_id'),
    messageId: text('message_id'),
  },
  (t) => [
    unique('incident_alerts_step_person_uq').on(t.incidentId, t.stepIndex, t.personId),
    index('incident_alerts_status_idx').on(t.status),
  ],
);

/**
 * A leader's verdict on an incident: a real hot spot, or a false alarm. One per leader per
 * incident (changeable). It keeps the topic, the concepts that matched and what raised it, copied from
 * the incident when the verdict was given, so the review survives a lexicon edit; never the text
 * of a message or its author.
 */
export const incidentVerdicts = pgTable(
  'incident_verdicts',
  {
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    topicId: text('topic_id').notNull(),
    verdict: text('verdict', { enum: ['hot', 'false_alarm'] }).notNull(),
    concepts: text('concepts').array().notNull().default(sql`'{}'::text[]`),
    sources: text('sources').array().notNull().default(sql`'{}'::text[]`),
    at: at('at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.personId] }),
    index('incident_verdicts_topic_idx').on(t.topicId, t.at),
  ],
);
