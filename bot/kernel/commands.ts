/** A slash command as every platform delivers it: "/name args" or "/name@bot args". */
export interface SlashCommand {
  name: string;
  args: string;
}

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@(\S+))?(?:\s+([\s\S]*))?$/;

/**
 * The one slash-command parser of Pulse. With `botUsername`, a command addressed to another bot
 * ("/help@OtherBot") is 'other-bot' (ignored); without it, any @suffix is accepted.
 */
export function parseSlashCommand(text: string, botUsername?: string): SlashCommand | 'other-bot' | null {
  const match = COMMAND.exec(text.trim());
  if (!match) return null;
  const target = match[2];
  if (target && botUsername && target.toLowerCase() !== botUsername.toLowerCase()) return 'other-bot';
  return { name: match[1]!.toLowerCase(), args: (match[3] ?? '').trim() };
}
