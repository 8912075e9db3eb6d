import { can, unitsWithRole } from '../kernel/roles';
import type { AuditResult } from './audit';
import { recordAudit } from './audit';
import { UsageProblem } from './flags';
import type { CommandContext, CommandDefinition } from './types';

export class CommandRegistry {
  private readonly byName = new Map<string, CommandDefinition>();

  constructor(readonly commands: readonly CommandDefinition[]) {
    for (const command of commands) {
      for (const name of [command.name, ...(command.aliases ?? [])]) this.byName.set(name, command);
    }
  }

  find(name: string): CommandDefinition | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /**
   * Whether what someone typed is (or may be) an anonymous source, so its text must not be kept
   * beside its sender: a command marked `anonymousText` (/gopy, /comment, their aliases) anywhere,
   * and in a DM any plain message — Pulse may take it as a poll comment, and a history cannot know
   * in advance.
   */
  isAnonymousText(text: string, chat: 'dm' | 'group'): boolean {
    const match = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s|$)/.exec(text.trim());
    if (!match) return chat === 'dm';
    return this.find(match[1]!)?.anonymousText === true;
  }
}

export async function dispatchCommand(registry: CommandRegistry, ctx: CommandContext): Promise<void> {
  const { event, t } = ctx;
  const command = registry.find(event.name);
  if (!command) {
    await ctx.replyPersonally(t('error.unknownCommand', { command: event.name }));
    return;
  }
  const audit = (result: AuditResult, detail?: string) =>
    command.audited
      ? recordAudit(ctx.deps.db, {
          at: ctx.deps.clock.now(),
          actorPersonId: ctx.actor.person.id,
          platform: event.chat.platform,
          command: command.name,
          args: event.args,
          result,
          detail,
        })
      : Promise.resolve();
  const refuse = async (role: string) => {
    await audit('refused');
    await ctx.replyPersonally(
      t('error.forbidden', { command: command.name, role: t(`role.${role}` as never) }),
    );
  };

  if (command.minRole && !can(ctx.actor.roles, command.minRole)) return refuse(command.minRole);
  if (command.where === 'group' && event.chat.kind !== 'group') {
    await audit('usage', 'group only');
    const { platform } = event.chat;
    if (ctx.deps.messenger.has(platform) && !ctx.deps.messenger.capabilities(platform).groups) {
      return ctx.reply(
        t('error.groupsUnavailable', { command: command.name, platform: t(`platform.${platform}`) }),
      );
    }
    return ctx.reply(t('error.groupOnly', { command: command.name }));
  }
  if (command.where === 'dm' && event.chat.kind !== 'dm') {
    await audit('usage', 'dm only');
    return ctx.replyPersonally(t('error.dmOnly', { command: command.name }));
  }
  let args: unknown;
  try {
    args = command.parse(event.args.normalize('NFC').trim());
  } catch (error) {
    if (!(error instanceof UsageProblem)) throw error;
    const message = t(error.key, error.params);
    await audit('usage', message);
    return ctx.replyPersonally(`${message}\n\n${t(command.usageKey)}`);
  }
  if (args === null) {
    await audit('usage');
    return ctx.replyPersonally(t(command.usageKey));
  }
  if (command.scope && command.minRole) {
    const scope = await command.scope(ctx, args);
    if (!scope.ok) {
      await audit('usage', scope.message);
      return ctx.replyPersonally(scope.message);
    }
    if (!can(ctx.actor.roles, command.minRole, scope.unit)) {
      // He has the role, not for that unit: say which units he may act on.
      const units = unitsWithRole(ctx.actor.roles, command.minRole);
      if (units.length === 0) return refuse(command.minRole);
      await audit('refused');
      return ctx.replyPersonally(
        t('error.forbiddenUnit', { command: command.name, units: units.join(', ') }),
      );
    }
  }
  try {
    await command.run(ctx, args);
    await audit('ok');
  } catch (error) {
    if (command.anonymousText) {
      // An anonymous source: the error (which may quote the text in a failed query) and the update
      // go out at debug only; at error level, no command, update or detail that would tell the
      // moment someone sent feedback or a comment.
      ctx.logger.debug({ err: error, command: command.name }, 'command failed');
      ctx.deps.logger.error('an anonymous command failed (details at debug level)');
    } else ctx.logger.error({ err: error, command: command.name }, 'command failed');
    await audit('error', error instanceof Error ? error.message : String(error));
    await ctx.replyPersonally(t('error.internal'));
  }
}
