/**
 * Text that Pulse should listen to for hot spots: group messages of bound chats, anonymous
 * feedback and poll comments. Never carries the author: the publisher drops it before publishing.
 */
export interface TextSignal {
  text: string;
  source: 'group' | 'feedback' | 'poll_comment';
  unitId: number | null;
  chatId: number | null;
  at: Date;
}

export type TextSignalListener = (signal: TextSignal) => Promise<void>;

/** A per-app fan-out of text signals to whichever features subscribe (the hot-spot matcher). */
export class TextSignals {
  private readonly listeners: TextSignalListener[] = [];

  subscribe(listener: TextSignalListener): void {
    this.listeners.push(listener);
  }

  async publish(signal: TextSignal): Promise<void> {
    for (const listener of this.listeners) await listener(signal);
  }
}
