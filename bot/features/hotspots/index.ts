export { acknowledgeIncident, findIncident, openIncidentsFor, resolveIncident } from './incidents';
export { hotspotJobs, listenForHotspots } from './jobs';
export { LiveLexicon } from './live';
