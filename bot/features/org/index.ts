import type { Feature } from '../../runtime/feature';
import { helpCommand } from './commands/help';
import { langCommand } from './commands/lang';
import { linkCommand, unlinkCommand } from './commands/link';
import { roleCommand } from './commands/role';
import { startCommand } from './commands/start';
import { whoamiCommand } from './commands/whoami';
import * as messages from './messages';

export { rolesOf } from '../../runtime/roles';
export { ensureBootstrapAdmins } from './bootstrap';
export {
  bindChat,
  ensureChat,
  ensureChatWithUnit,
  findChat,
  findChatByInviteToken,
  unbindChat,
} from './chats';
export { createActorDirectory } from './directory';
export { recordLeft, recordSeen } from './membership';
export { mergePeople } from './merge';
export { findPersonByReference, identitiesOf, resolvePerson, setLocale } from './people';
export { dmAccounts } from './reach';
export { grantRole, revokeRole } from './roles';
export { findUnitByCode, findUnitById, isWithin, unitChain, unitLabel } from './units';
export type { ChatRow, PersonRow, UnitRow };

import type { ChatRow, PersonRow, UnitRow } from '../../runtime/types';

export { unitDmAudience } from './reach';

/** The organisation: units, people, roles, group chats bound to units, and their commands. A new manifest per app: no state is shared between two running Pulses. */
export function createFeature(): Feature {
  return {
    name: 'org',
    commands: [
      startCommand,
      helpCommand,
      whoamiCommand,
      langCommand,
      linkCommand,
      unlinkCommand,
      roleCommand,
    ],
    messages,
  };
}
