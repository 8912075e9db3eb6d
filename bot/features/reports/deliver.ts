import type { Locale } from '../../kernel/i18n';
import type { ChatRef, SentRef } from '../../kernel/types';
import { translate } from '../../messages';
import type { Deps } from '../../runtime/deps';
import type { Pace } from '../../runtime/outbox/engine';
import { renderChartPng } from './chart/png';
import { renderDocx } from './docx';
import { reportFileName, reportFormat } from './format';
import { heatMapPng } from './heat-themes';
import type { SituationReport } from './model';
import { renderCsv } from './render-csv';
import { renderMarkdown } from './render-markdown';
import { renderChatText } from './render-text';

export const DELIVERY_FORMATS = ['chat', 'md', 'csv', 'docx'] as const;
/** `chat`: the text and the chart image; the others: one file. */
export type DeliveryFormat = (typeof DELIVERY_FORMATS)[number];

const FILES = {
  md: { extension: 'md', mime: 'text/markdown; charset=utf-8' },
  csv: { extension: 'csv', mime: 'text/csv; charset=utf-8' },
  docx: {
    extension: 'docx',
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  },
} as const;

async function fileBytes(report: SituationReport, format: keyof typeof FILES, locale: Locale) {
  if (format === 'docx') return renderDocx(report, locale);
  const text = format === 'md' ? renderMarkdown(report, locale) : renderCsv(report, locale);
  return new TextEncoder().encode(text);
}

/**
 * Sends a report to a chat in the asked format, degrading to text where the platform cannot take
 * a file or an image, and saying so in that text. Returns what was sent, in order.
 */
export async function deliverReport(
  deps: Pick<Deps, 'messenger' | 'logger' | 'config'>,
  chat: ChatRef,
  report: SituationReport,
  format: DeliveryFormat,
  options: { locale?: Locale; pace?: Pace } = {},
): Promise<SentRef[]> {
  const locale = options.locale ?? deps.config.locale;
  // Scheduled reports go through the delivery engine's pacer, each message in its turn.
  const paced = (send: () => Promise<SentRef>) => (options.pace ? options.pace(chat, send) : send());
  const messenger = deps.messenger.for(chat.platform);
  const { capabilities } = messenger;
  const f = reportFormat(report, locale);
  const where = { scope: f.unit(report.scope), period: f.period(report.period) };
  const sent: SentRef[] = [];
  const log = (kind: string, bytes: number) =>
    deps.logger.info({ platform: chat.platform, format, kind, bytes }, 'report delivered');

  if (format === 'chat') {
    const text = renderChatText(report, locale);
    if (!capabilities.images || !messenger.sendImage) {
      sent.push(
        await paced(() =>
          messenger.send(chat, { text: `${translate(locale, 'report.degraded.image')}\n\n${text}` }),
        ),
      );
      log('text', text.length);
      return sent;
    }
    sent.push(await paced(() => messenger.send(chat, { text })));
    const png = renderChartPng(report, locale);
    sent.push(
      await paced(() =>
        messenger.sendImage!(chat, {
          name: reportFileName(report, 'png'),
          data: png,
          caption: translate(locale, 'report.chart.caption', where),
        }),
      ),
    );
    let bytes = png.length;
    const heatmap = heatMapPng(report, locale);
    if (heatmap) {
      sent.push(
        await paced(() =>
          messenger.sendImage!(chat, {
            name: reportFileName(report, 'heatmap.png'),
            data: heatmap,
            caption: translate(locale, 'report.heatmap.caption', where),
          }),
        ),
      );
      bytes += heatmap.length;
    }
    log('text+image', bytes);
    return sent;
  }

  if (!capabilities.files || !messenger.sendFile) {
    const text = `${translate(locale, 'report.degraded.file')}\n\n${renderChatText(report, locale)}`;
    sent.push(await paced(() => messenger.send(chat, { text })));
    log('text', text.length);
    return sent;
  }
  const { extension, mime } = FILES[format];
  const data = await fileBytes(report, format, locale);
  sent.push(
    await paced(() =>
      messenger.sendFile!(chat, {
        name: reportFileName(report, extension),
        mime,
        data,
        caption: translate(locale, 'report.file.caption', where),
      }),
    ),
  );
  log('file', data.length);
  return sent;
}
