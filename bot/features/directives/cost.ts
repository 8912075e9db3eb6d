import type { DbOrTx } from '../../../db/client';
import type { Platform } from '../../kernel/types';
import type { MessengerRouter } from '../../runtime/messenger-router';
import { dmTargets } from './dm-targets';
import { targetChatIds } from './targets';

export interface CampaignCost {
  platform: Platform;
  groups: number;
  dms: number;
}

/**
 * What one send of a campaign to `unitCodes` costs on each platform whose messages count against
 * an allowance (`quotaCounted`, Zalo OA): one message per bound group, one per person reached only
 * by DM there. Platforms without such an allowance are left out; so are those costing nothing.
 */
export async function campaignCosts(
  db: DbOrTx,
  messenger: MessengerRouter,
  unitCodes: readonly string[],
): Promise<CampaignCost[]> {
  const counted = messenger.platforms().filter((p) => messenger.capabilities(p).quotaCounted);
  if (counted.length === 0) return [];
  const dms = await dmTargets(db, messenger, unitCodes);
  const costs: CampaignCost[] = [];
  for (const platform of counted) {
    const groups = (await targetChatIds(db, unitCodes, [platform])).length;
    const direct = dms.filter((target) => target.platform === platform).length;
    if (groups + direct > 0) costs.push({ platform, groups, dms: direct });
  }
  return costs;
}
