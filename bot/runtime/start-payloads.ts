import type { CommandContext, CommandDefinition } from './types';

/** A /start deep-link payload that means something other than a group's invite token (e.g. "cmt-12"). */
export interface StartPayloadHandler {
  matches(payload: string): boolean;
  handle(ctx: CommandContext, payload: string): Promise<void>;
}

/** /start, with some payloads handed to the feature that made the link. */
export function withStartPayloads(
  start: CommandDefinition,
  payloads: readonly StartPayloadHandler[],
): CommandDefinition {
  return {
    ...start,
    async run(ctx, args) {
      const token = (args as { token?: string }).token;
      const handler = token === undefined ? undefined : payloads.find((p) => p.matches(token));
      if (handler && token !== undefined) await handler.handle(ctx, token);
      else await start.run(ctx, args);
    },
  };
}
