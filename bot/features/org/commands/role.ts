import { z } from 'zod';
import { ROLES } from '../../../kernel/types';
import { TYPED_UNIT_CODE_PATTERN } from '../../../kernel/units';
import { defineCommand } from '../../../runtime/types';
import { findPersonByReference } from '../people';
import { grantRole, revokeRole } from '../roles';
import { findUnitByCode, unitLabel } from '../units';

const roleArgs = z.tuple([
  z.enum(['grant', 'revoke']),
  z.enum(ROLES),
  z.string().regex(/^(@[A-Za-z0-9_.]+|[a-z]+:[A-Za-z0-9_-]+|[A-Za-z0-9_-]+)$/),
  z.string().regex(TYPED_UNIT_CODE_PATTERN),
]);

/** /role grant|revoke ROLE USER UNIT_CODE (admin of that unit). */
export const roleCommand = defineCommand<{
  action: 'grant' | 'revoke';
  role: (typeof ROLES)[number];
  user: string;
  code: string;
}>({
  name: 'role',
  minRole: 'admin',
  where: 'any',
  audited: true,
  descriptionKey: 'cmd.role',
  usageKey: 'usage.role',
  parse: (args) => {
    const parsed = roleArgs.safeParse(args.split(/\s+/));
    if (!parsed.success) return null;
    const [action, role, user, code] = parsed.data;
    return { action, role, user, code: code.toUpperCase() };
  },
  async scope(ctx, { code }) {
    const unit = await findUnitByCode(ctx.deps.db, code);
    return unit ? { ok: true, unit } : { ok: false, message: ctx.t('error.unknownUnit', { code }) };
  },
  async run(ctx, { action, role, user, code }) {
    const { db } = ctx.deps;
    const unit = (await findUnitByCode(db, code))!;
    const person = await findPersonByReference(db, user, ctx.event.chat.platform);
    if (!person) {
      await ctx.reply(ctx.t('error.unknownUser', { user }));
      return;
    }
    const params = { role: ctx.t(`role.${role}`), unit: unitLabel(unit), user: person.displayName };
    if (action === 'grant') {
      const changed = await grantRole(db, { personId: person.id, unitId: unit.id, role, source: 'command' });
      await ctx.reply(ctx.t(changed ? 'role.granted' : 'role.alreadyGranted', params));
    } else {
      const changed = await revokeRole(db, { personId: person.id, unitId: unit.id, role });
      await ctx.reply(ctx.t(changed ? 'role.revoked' : 'role.notGranted', params));
    }
  },
});
