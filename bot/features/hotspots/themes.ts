import type { DbOrTx } from '../../../db/client';
import { LiveLexicon, lexiconOf } from './live';

export interface TextTopic {
  id: string;
  name: string;
}

/**
 * The hot-spot classifier as a function of one text: the lexicon's topics the text raises (rules
 * first, the shipped model second, as for live messages), after bringing this process's lexicon up
 * to date. Without a running Pulse's signal bus (a script, a test) it compiles its own copy.
 */
export async function topicClassifier(deps: {
  db: DbOrTx;
  signals?: object;
}): Promise<(text: string) => TextTopic[]> {
  const live = deps.signals ? lexiconOf({ signals: deps.signals }) : new LiveLexicon();
  await live.refresh(deps.db);
  return (text) =>
    live.assess(text).flatMap((assessment) => {
      const id = live.matcher.topicIds[assessment.topic];
      const topic = id === undefined ? undefined : live.topic(id);
      return topic ? [{ id: topic.id, name: topic.name }] : [];
    });
}
