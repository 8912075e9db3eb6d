import { formatDateTime } from '../../kernel/time';
import { translator } from '../../messages';
import { capped, type HomeContributor, type HomeItem } from '../../runtime/home';
import { unitLabel } from '../org';
import { incidentButton } from './buttons';
import { openIncidentsFor } from './incidents';

/**
 * For leaders (and admins): the incidents not yet resolved in the units they lead, as /hotspots
 * lists them, with "Xác nhận" while nobody acknowledged. Alerts name no one: nor does the page.
 */
export const incidentsHome: HomeContributor = async (deps, viewer) => {
  const { actor } = viewer;
  const rows = await openIncidentsFor(deps.db, actor.roles);
  if (rows.length === 0) return null;
  const t = translator(actor.locale);
  const items: HomeItem[] = rows.map(({ incident, unit }) => ({
    key: `incident:${incident.id}`,
    title: t('hotspots.home.item', { id: incident.id, topic: incident.topicName, unit: unitLabel(unit) }),
    detail: t('hotspots.home.detail', {
      count: incident.hitCount,
      status: t(`incident.status.${incident.status}`),
      opened: formatDateTime(incident.openedAt, deps.config.timezone),
    }),
    // The incident's buttons check the role on its unit, wherever they are pressed.
    answerIn: viewer.dm,
    buttons:
      incident.status === 'open'
        ? [
            [
              {
                label: t('hotspot.button.ack'),
                data: incidentButton.data({ action: 'ack', incidentId: incident.id }),
              },
            ],
          ]
        : undefined,
  }));
  return { kind: 'incidents', title: t('hotspots.home.title'), ...capped(items) };
};
