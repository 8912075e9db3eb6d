import { DeliveryError } from '../../kernel/errors';
import type { Platform } from '../../kernel/types';
import type { MessageKey, Translate } from '../../messages';
import { translator } from '../../messages';
import type { ButtonContext, ButtonHandler, CommandContext } from '../../runtime/types';
import { defineCommand } from '../../runtime/types';
import { identitiesOf, rolesOf } from '../org';
import { linkAccountButton } from './buttons';
import { CODE_LIFETIME_MS } from './codes';
import { claimLinkCode, confirmLink, identityOn, issueLinkCode, type LinkRefusal } from './links';

const MINUTES = CODE_LIFETIME_MS / 60_000;
const platformName = (t: Translate, platform: string) => t(`platform.${platform}` as MessageKey);

/**
 * /linkaccount: a one-time code, sent privately. /linkaccount CODE on another platform: asks the
 * account to confirm joining the code's person (buttons, or numbered choices where there are none).
 */
export const linkAccountCommand = defineCommand<{ code?: string }>({
  name: 'linkaccount',
  minRole: null,
  where: 'any',
  audited: false,
  descriptionKey: 'cmd.linkaccount',
  usageKey: 'usage.linkaccount',
  parse: (args) => (args === '' ? {} : /^[A-Za-z0-9 -]{1,20}$/.test(args) ? { code: args } : null),
  async run(ctx, { code }) {
    if (code === undefined) return sendCode(ctx);
    const { t, deps, event } = ctx;
    const claim = await claimLinkCode(deps.db, code, event.from, deps.clock.now());
    if (!claim.ok) return ctx.reply(refusalText(t, claim));
    const held = await rolesOf(deps.db, claim.person.id);
    const roles = [...new Set(held.map((r) => t(`role.${r.role}`)))].join(', ') || t('linkaccount.noRoles');
    await ctx.replyPrivately({
      text: t('linkaccount.confirm', {
        platform: platformName(t, event.chat.platform),
        name: claim.person.displayName,
        roles,
      }),
      buttons: [
        [
          {
            label: t('linkaccount.yes'),
            data: linkAccountButton.data({ confirm: true, codeId: claim.codeId }),
          },
          {
            label: t('linkaccount.no'),
            data: linkAccountButton.data({ confirm: false, codeId: claim.codeId }),
          },
        ],
      ],
    });
  },
});

async function sendCode(ctx: CommandContext) {
  const { t, deps, event } = ctx;
  const code = await issueLinkCode(deps.db, ctx.actor.person.id, event.chat.platform, deps.clock.now());
  try {
    await ctx.replyPrivately(t('linkaccount.code', { code, minutes: MINUTES }));
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    return ctx.reply(t('linkaccount.openDmFirst'));
  }
  const inGroupWithoutEphemeral =
    event.chat.kind === 'group' && !deps.messenger.capabilities(event.chat.platform).ephemeral;
  if (inGroupWithoutEphemeral) await ctx.reply(t('linkaccount.sentPrivately'));
}

function refusalText(t: Translate, refusal: LinkRefusal): string {
  if (refusal.reason === 'same_person')
    return t('linkaccount.samePerson', { name: refusal.person.displayName });
  if (refusal.reason === 'platform_taken') {
    return t('linkaccount.platformTaken', {
      name: refusal.person.displayName,
      platform: platformName(t, refusal.platform),
    });
  }
  return t('linkaccount.invalid', { minutes: MINUTES });
}

/** Confirms or cancels a link; only the account that typed the code may. */
export const linkAccountButtons: ButtonHandler = {
  prefix: linkAccountButton.prefix,
  async handle(ctx, payload) {
    const { t, deps, event } = ctx;
    const press = linkAccountButton.read(payload);
    if (!press) return ctx.answer(t('error.staleButton'), { alert: true });
    const { codeId } = press;
    if (!press.confirm) {
      await ctx.answer(t('linkaccount.cancelled'));
      return;
    }
    const result = await confirmLink(deps.db, codeId, event.from, deps.clock.now());
    if (!result.ok) {
      const text = result.reason === 'stale' ? t('linkaccount.stale') : refusalText(t, result);
      return ctx.answer(text, { alert: true });
    }
    const accounts = await identitiesOf(deps.db, result.person.id);
    const here = platformName(t, event.chat.platform);
    await ctx.answer(
      t('linkaccount.done', {
        platform: here,
        name: result.person.displayName,
        platforms: accounts.map((a) => platformName(t, a.platform)).join(', '),
      }),
    );
    await noticeIssuer(ctx, result.person.id, result.person.locale, result.issuedOn);
  },
};

/** Tells the account that issued the code, so a code used by someone else does not go unnoticed. */
async function noticeIssuer(ctx: ButtonContext, personId: number, locale: string | null, platform: Platform) {
  const { deps } = ctx;
  const issuer = await identityOn(deps.db, personId, platform);
  if (!issuer || !deps.messenger.has(platform)) return;
  const t = translator(locale === 'en' || locale === 'vi' ? locale : deps.config.locale);
  try {
    await deps.messenger.sendDm(
      { platform, externalId: issuer.externalId },
      { text: t('linkaccount.notice', { platform: platformName(t, ctx.event.chat.platform) }) },
    );
  } catch (error) {
    ctx.logger.warn({ err: error }, 'link notice not delivered');
  }
}
