import type { DbOrTx } from '../../../db/client';
import { rolesOf } from '../../runtime/roles';
import type { ActorDirectory } from '../../runtime/types';
import { ensureChatWithUnit } from './chats';
import { recordLeft, recordSeen } from './membership';
import { resolvePerson } from './people';

/** The org feature's answer to "who is behind this update", for the runtime's event handler. */
export function createActorDirectory(db: DbOrTx): ActorDirectory {
  return {
    resolvePerson: (user) => resolvePerson(db, user),
    ensureGroup: (chat) => ensureChatWithUnit(db, chat),
    rolesOf: (personId) => rolesOf(db, personId),
    recordSeen: (personId, chatId, unit, held) => recordSeen(db, personId, chatId, unit, held),
    recordLeft: (personId, chatId) => recordLeft(db, personId, chatId),
  };
}
