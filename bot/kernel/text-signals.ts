/**
 * Text that Pulse should listen to for hot spots: group messages of bound chats, anonymous
 * feedback, poll comments, surveys' open-text answers and situation reports. Never carries the author: the publisher drops it before publishing.
 */
export interface TextSignal {
  text: string;
  source: 'group' | 'feedback' | 'poll_comment' | 'survey_text' | 'situation_report';
  unitId: number | null;
  chatId: number | null;
  at: Date;
  /** An anonymous source whose sender chose to send it at once (a critical feedback): it may alert now. */
  sentNow?: boolean;
}

export type TextSignalListener = (signal: TextSignal) => Promise<void>;

/** Whether a text raises a critical topic (an accident, a collapse); the hot-spot feature answers. */
export type UrgencyProbe = (text: string) => boolean;

/** A per-app fan-out of text signals to whichever features subscribe (the hot-spot matcher). */
export class TextSignals {
  private readonly listeners: TextSignalListener[] = [];
  private readonly probes: UrgencyProbe[] = [];

  subscribe(listener: TextSignalListener): void {
    this.listeners.push(listener);
  }

  /** Lets a feature say which texts are critical, without the sender's feature importing it. */
  addUrgencyProbe(probe: UrgencyProbe): void {
    this.probes.push(probe);
  }

  /** True when a probe finds a critical topic in the text (no probe: never). */
  isUrgent(text: string): boolean {
    return this.probes.some((probe) => probe(text));
  }

  async publish(signal: TextSignal): Promise<void> {
    for (const listener of this.listeners) await listener(signal);
  }
}
