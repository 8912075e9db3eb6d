import type { DbOrTx } from '../../../db/client';
import { type Assessment, assess, loadModel } from './assess';
import { EMPTY_LEXICON, type Lexicon, type Topic } from './lexicon';
import { Matcher } from './matcher';
import type { Model } from './model';
import { readLexicon, readLexiconVersion } from './store';

interface Compiled {
  version: number;
  lexicon: Lexicon;
  matcher: Matcher;
  topics: Map<string, Topic>;
}

/**
 * The lexicon this process matches with, compiled in memory, so a message with no hit never
 * touches the database. Rebuilt when the stored version moves: at once after /keywords in this
 * process, and within seconds in the others (the refresh job polls the version).
 */
export class LiveLexicon {
  private compiled: Compiled = compile(-1, EMPTY_LEXICON);
  /** The model, loaded at the first line that reaches it; `null`: rules only. */
  private model: Model | null | undefined;

  /** `model: null` runs the rules alone; by default the shipped model (bot/features/hotspots/model.json). */
  constructor(options: { model?: Model | null } = {}) {
    this.model = options.model;
  }

  /**
   * The topics a line raises, with confidence and source (rule, model, both). A line with no word
   * of the lexicon is answered by the matcher's scan alone, without the model.
   */
  assess(text: string): Assessment[] {
    if (this.model === null) return assess(this.compiled.matcher, undefined, text);
    return assess(this.compiled.matcher, () => (this.model ??= loadModel()), text);
  }

  get version(): number {
    return this.compiled.version;
  }

  get lexicon(): Lexicon {
    return this.compiled.lexicon;
  }

  get matcher(): Matcher {
    return this.compiled.matcher;
  }

  topic(id: string): Topic | undefined {
    return this.compiled.topics.get(id);
  }

  /** Reloads from the database when its version differs from ours; returns true when it rebuilt. */
  async refresh(db: DbOrTx): Promise<boolean> {
    if ((await readLexiconVersion(db)) === this.compiled.version) return false;
    const stored = await readLexicon(db);
    this.compiled = compile(stored.version, stored.lexicon);
    return true;
  }
}

function compile(version: number, lexicon: Lexicon): Compiled {
  return {
    version,
    lexicon,
    matcher: new Matcher(lexicon.topics),
    topics: new Map(lexicon.topics.map((topic) => [topic.id, topic])),
  };
}

/**
 * Each running Pulse (each `Deps`, keyed by its signal bus, which copies of `deps` share) has its
 * own compiled lexicon, created on first use: the hot-spot feature keeps its state out of the
 * shared `Deps`.
 */
const lexicons = new WeakMap<object, LiveLexicon>();

export function lexiconOf(deps: { signals: object }): LiveLexicon {
  let live = lexicons.get(deps.signals);
  if (!live) {
    live = new LiveLexicon();
    lexicons.set(deps.signals, live);
  }
  return live;
}
