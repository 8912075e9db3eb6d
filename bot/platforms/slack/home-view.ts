import type { ChatRef } from '../../kernel/types';
import type { PersonalHome } from '../../runtime/home';

// biome-ignore lint/suspicious/noExplicitAny: Block Kit is plain JSON
type Block = Record<string, any>;

export interface HomeTabView {
  type: 'home';
  blocks: Block[];
}

/** Slack caps a view at 100 blocks, a header at 150 characters, a section at 3,000. */
const MAX_BLOCKS = 100;
const plain = (text: string, max = 3000) => ({
  type: 'plain_text',
  text: text.slice(0, max) || ' ',
  emoji: true,
});

/**
 * The Home tab of one person, from their page (`PersonalHome`): a pure function, no I/O. Texts go
 * out as plain_text (nothing a poll or a directive says can mention @channel). A button's block
 * carries the chat its press counts in (`pulse.home|<kind>|<chat id>|<n>`), which Slack echoes
 * back with the press; `homeTarget` reads it.
 */
export function homeView(home: PersonalHome, notice?: string): HomeTabView {
  const blocks: Block[] = [{ type: 'section', text: plain(home.greeting) }];
  if (notice) blocks.push({ type: 'context', elements: [plain(notice, 2000)] });
  blocks.push({ type: 'divider' });
  if (home.sections.length === 0) blocks.push({ type: 'section', text: plain(home.empty) });
  let n = 0;
  for (const section of home.sections) {
    blocks.push({ type: 'header', text: plain(section.title, 150) });
    for (const item of section.items) {
      n++;
      const text = item.detail ? `${item.title}\n${item.detail}` : item.title;
      blocks.push({ type: 'section', text: plain(text) });
      if (!item.answerIn || !item.buttons?.length) continue;
      const target = `${item.answerIn.kind}|${item.answerIn.externalId}`;
      item.buttons.forEach((row, r) => {
        blocks.push({
          type: 'actions',
          block_id: `pulse.home|${target}|${n}.${r}`,
          elements: row.slice(0, 25).flatMap((button, c) =>
            'data' in button
              ? [
                  {
                    type: 'button',
                    action_id: `pulse.home.${n}.${r}.${c}`,
                    text: plain(button.label, 75),
                    value: button.data,
                  },
                ]
              : [],
          ),
        });
      });
    }
    if (section.moreText) blocks.push({ type: 'context', elements: [plain(section.moreText)] });
    blocks.push({ type: 'divider' });
  }
  blocks.push({ type: 'context', elements: [plain(home.footer)] });
  const kept = blocks.filter((b) => b.type !== 'actions' || b.elements.length > 0);
  // Too many blocks: the last ones go, the footer stays.
  return {
    type: 'home',
    blocks: kept.length <= MAX_BLOCKS ? kept : [...kept.slice(0, MAX_BLOCKS - 1), kept.at(-1)!],
  };
}

/** The chat a Home-tab press counts in, from the block it came from; undefined when not one of ours. */
export function homeTarget(blockId: string): ChatRef | undefined {
  const match = /^pulse\.home\|(dm|group)\|([A-Za-z0-9]+)\|\d+\.\d+$/.exec(blockId);
  if (!match) return undefined;
  return { platform: 'slack', kind: match[1] as 'dm' | 'group', externalId: match[2]! };
}
