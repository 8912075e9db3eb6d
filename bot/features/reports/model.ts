/**
 * A situation report ("báo cáo tình hình dư luận xã hội") as data, platform- and format-neutral.
 * The queries that fill it apply the anonymity rules; the renderers only show what is here and
 * never compute a figure from others (no sums of rows, no "the rest"), so nothing they print can
 * undo a suppression.
 */

/**
 * A figure computed from anonymous answers. `withheld` carries no number at all: the cell had
 * fewer answers than the threshold, or showing it would let someone subtract their way to such
 * a cell (complementary suppression). `none` means there was nothing to measure.
 */
export type Figure<T = number> =
  | { readonly kind: 'value'; readonly value: T }
  | { readonly kind: 'withheld' }
  | { readonly kind: 'none' };

export const WITHHELD: Figure<never> = Object.freeze({ kind: 'withheld' });
export const NONE: Figure<never> = Object.freeze({ kind: 'none' });

export function shown<T>(value: T): Figure<T> {
  return { kind: 'value', value };
}

export function shownValue<T>(figure: Figure<T>): T | undefined {
  return figure.kind === 'value' ? figure.value : undefined;
}

export interface ReportUnit {
  id: number;
  code: string;
  name: string;
}

export interface Topic {
  key: string;
  name: string;
}

export type PeriodKind = 'day' | 'week' | 'month' | 'quarter' | 'custom';

/** `from` inclusive, `to` exclusive; both are local midnights in the report's time zone. */
export interface Period {
  kind: PeriodKind;
  from: Date;
  to: Date;
  /** The current day, week, month or quarter up to the end of today (compared with the same days before). */
  soFar?: boolean;
}

/** Pulse (sentiment poll) figures for one unit (its whole subtree) or the whole scope. */
export interface PulseFigures {
  /** People asked (members the pulses were sent to); membership, not answers, so never withheld. */
  invited: number;
  answers: Figure;
  /** Mean answer on the report's scale over the period. */
  mean: Figure;
  /** The same mean over the previous period of the same length. */
  previousMean: Figure;
}

export interface PulseTopicRow {
  topic: Topic;
  polls: number;
  answers: Figure;
  mean: Figure;
  previousMean: Figure;
}

export interface PulseSection {
  scale: { min: number; max: number };
  /** Pulse runs sent in the period. */
  polls: number;
  overall: PulseFigures;
  /** One row per reported unit, in the order the report lists them. */
  units: (PulseFigures & { unit: ReportUnit })[];
  topics: PulseTopicRow[];
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

/** Hot-spot signals keep no author, so incident counts are not anonymous answers: no threshold. */
export interface HotspotSection {
  opened: number;
  acknowledged: number;
  resolved: number;
  /** Medians over the incidents acknowledged / resolved in the period; null when there were none. */
  medianAckMinutes: number | null;
  medianResolveMinutes: number | null;
  /** Incidents still not resolved at the end of the period, whenever they were opened. */
  openBySeverity: Record<Severity, number>;
  /** Incidents opened in the period per topic, most first (the bar chart). */
  topics: { topic: Topic; incidents: number }[];
  /**
   * Per topic, of the incidents opened in the period that leaders judged ("Đúng là điểm nóng" /
   * "Báo nhầm"): how many, and how many were false alarms; most false alarms first.
   */
  falseAlarms?: { topic: Topic; judged: number; falseAlarms: number }[];
  units: { unit: ReportUnit; opened: number; open: number }[];
  /** The incidents worth naming in section III (the query picks them: severity, then recency). */
  notable: {
    unit: ReportUnit;
    topic: Topic;
    severity: Severity;
    status: IncidentStatus;
    openedAt: Date;
    hits: number;
  }[];
}

/** Chats a unit's directives went to, how many received them, and acknowledgements by members. */
export interface DirectiveReach {
  chats: number;
  reachedChats: number;
  /** Known members of the reached chats. */
  members: number;
  acknowledged: number;
}

export interface DirectiveSection {
  /** Directives pushed in the period. */
  directives: number;
  overall: DirectiveReach;
  units: (DirectiveReach & { unit: ReportUnit })[];
}

/** Anonymous feedback: volumes only, never a text. */
export interface FeedbackSection {
  total: Figure;
  topics: { topic: Topic; messages: Figure }[];
}

export interface TrendSection {
  granularity: 'week' | 'month';
  buckets: { from: Date; to: Date }[];
  /** One line per unit: the mean per bucket (aligned with `buckets`). */
  series: { unit: ReportUnit; points: Figure[] }[];
}

/** Dialogues that closed in the period and actions recorded or done in it (docs/dialogue.md). */
export interface LoopSection {
  dialogues: {
    unit: ReportUnit;
    closedAt: Date;
    questions: number;
    answered: number;
    /** Upvotes; withheld below k. */
    votes: Figure;
  }[];
  actions: {
    id: number;
    unit: ReportUnit;
    topic: string;
    text: string;
    doneAt: Date | null;
    /** Mean of the topic's 1–5 polls before the action and after it was done (cells of ≥ k only). */
    before: Figure;
    after: Figure;
  }[];
}

export type HeatTrend = 'up' | 'down' | 'flat' | null;

/**
 * Reported unit × question of the surveys that closed in the period (docs/reports.md "Heat map").
 * A cell is the sum of the published survey cells (closed, ≥ k answers each) of the unit's
 * subtree, or blank (`score` null, no label) when there is none; the trend compares it with the
 * same sum in the survey's previous run.
 */
export interface HeatMapSection {
  columns: { surveyId: number; surveyTitle: string; question: number; text: string }[];
  /** Surveys whose previous run the arrows compare with (survey id → previous id). */
  previous: { surveyId: number; previousId: number }[];
  rows: { unit: ReportUnit; cells: { score: number | null; label: string; trend: HeatTrend }[] }[];
  /** Columns left out past the picture's width (the newest surveys are kept). */
  omitted: number;
}

export type CommentTone = 'positive' | 'negative' | 'neutral';

/**
 * Open-text answers of the period (survey texts, poll comments, feedback) by hot-spot topic and
 * tone, counts only. Only groups of at least `minGroup` are listed: a group is the sum of base
 * cells (one survey or poll, or one day of feedback; one unit; one topic and tone) of at least
 * `minGroup` each, so two reports differ by whole cells of at least `minGroup` (docs/privacy.md).
 */
export interface ThemeSection {
  minGroup: number;
  /** `topic` null: the text raised no topic of the lexicon ("other"). Most first. */
  groups: { topic: Topic | null; tone: CommentTone; comments: number }[];
}

export interface SituationReport {
  /** The title block: the issuing committee and the one above it, as printed on paper. */
  issuer: { body: string; superior?: string; place?: string };
  scope: ReportUnit;
  period: Period;
  previous: Period;
  generatedAt: Date;
  /** Dates are shown in this time zone. */
  timezone: string;
  /** The anonymity threshold k the figures were suppressed with. */
  minAnswers: number;
  pulses: PulseSection;
  hotspots: HotspotSection;
  directives: DirectiveSection;
  feedback: FeedbackSection;
  trend: TrendSection;
  /** Present only when the period has a dialogue or an action. */
  loop?: LoopSection;
  /** Present only when a survey with scored questions closed in the period. */
  heatmap?: HeatMapSection;
  /** Present only when the period has open-text answers. */
  themes?: ThemeSection;
}
