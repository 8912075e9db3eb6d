import type { Feature } from '../../runtime/feature';
import { linkAccountButtons, linkAccountCommand } from './commands';
import * as messages from './messages';

export { CODE_LIFETIME_MS, normalizeLinkCode } from './codes';
export {
  claimLinkCode,
  confirmLink,
  identityOn,
  issueLinkCode,
  type LinkClaim,
  type LinkRefusal,
  type LinkResult,
} from './links';

/** One person across platforms: /linkaccount issues a code on one platform and confirms it on another. */
export function createFeature(): Feature {
  return {
    name: 'account-links',
    commands: [linkAccountCommand],
    buttons: [linkAccountButtons],
    messages,
  };
}
