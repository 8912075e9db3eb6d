import type { ReportFormat } from './format';
import type { Proposal } from './proposals';

/** One sentence per proposal, in the reader's language. */
export function proposalText(proposal: Proposal, f: ReportFormat): string {
  const { t } = f;
  switch (proposal.kind) {
    case 'openIncidents':
      return t('report.proposal.openIncidents', { critical: proposal.critical, high: proposal.high });
    case 'slowAck':
      return t('report.proposal.slowAck', { duration: f.duration(proposal.minutes) });
    case 'falling':
      return t('report.proposal.falling', {
        unit: f.unit(proposal.unit),
        change: f.decimal(Math.abs(proposal.change)),
        previous: f.decimal(proposal.previousMean),
        mean: f.decimal(proposal.mean),
      });
    case 'lowParticipation':
      return t('report.proposal.lowParticipation', { rate: f.percent(proposal.rate) });
    case 'lowReach':
      return t('report.proposal.lowReach', {
        unit: f.unit(proposal.unit),
        reach: f.percent(proposal.reach),
        ack: f.percent(proposal.ackRate),
      });
    case 'feedbackTopic':
      return t('report.proposal.feedbackTopic', {
        topic: proposal.topic.name,
        messages: f.int(proposal.messages),
      });
    case 'withheldUnits':
      return t('report.proposal.withheldUnits', { count: proposal.count });
    case 'steady':
      return t('report.proposal.steady');
  }
}
