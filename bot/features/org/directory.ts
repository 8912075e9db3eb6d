import type { DbOrTx } from '../../../db/client';
import { rolesOf } from '../../runtime/roles';
import type { ActorDirectory } from '../../runtime/types';
import { findKnownActor } from './actor';
import { ensureChatWithUnit } from './chats';
import { recordLeft, recordSeen } from './membership';
import { resolvePerson } from './people';

/** The org feature's answer to "who is behind this update", for the runtime's event handler. */
export function createActorDirectory(db: DbOrTx): ActorDirectory {
  return {
    async findKnown(user, chat, options) {
      const known = await findKnownActor(db, user, chat, options);
      // A changed username or a group seen for the first time take the full steps (they write).
      if (!known || (user.username ?? null) !== known.username || (chat && !known.group)) return undefined;
      return known;
    },
    resolvePerson: (user) => resolvePerson(db, user),
    ensureGroup: (chat) => ensureChatWithUnit(db, chat),
    rolesOf: (personId) => rolesOf(db, personId),
    recordSeen: (personId, chatId, unit, held, options) =>
      recordSeen(db, personId, chatId, unit, held, options),
    recordLeft: (personId, chatId) => recordLeft(db, personId, chatId),
  };
}
