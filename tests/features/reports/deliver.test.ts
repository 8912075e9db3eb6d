import { strFromU8, unzipSync } from 'fflate';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/config';
import { deliverReport } from '../../../bot/features/reports/deliver';
import type { ChatRef, OutgoingFile, OutgoingImage, SentRef } from '../../../bot/kernel/types';
import { MessengerRouter } from '../../../bot/runtime/messenger-router';
import { RecordingMessenger } from '../../helpers/recording-messenger';
import { fixtureReport } from './fixture';

/** A recording messenger that can also take files and images, as Telegram and the sandbox do. */
class AttachmentMessenger extends RecordingMessenger {
  readonly files: { chat: ChatRef; file: OutgoingFile }[] = [];
  readonly images: { chat: ChatRef; image: OutgoingImage }[] = [];

  constructor() {
    super('telegram', {
      buttons: true,
      groups: true,
      edit: true,
      ephemeral: false,
      maxTextLength: 4096,
      files: true,
      images: true,
    });
  }

  async sendFile(chat: ChatRef, file: OutgoingFile): Promise<SentRef> {
    this.files.push({ chat, file });
    return { chat, messageId: `file-${this.files.length}` };
  }

  async sendImage(chat: ChatRef, image: OutgoingImage): Promise<SentRef> {
    this.images.push({ chat, image });
    return { chat, messageId: `image-${this.images.length}` };
  }
}

const chat: ChatRef = { platform: 'telegram', externalId: '-100', kind: 'group' };

function depsWith(messenger: RecordingMessenger) {
  const router = new MessengerRouter();
  router.register(messenger);
  return {
    messenger: router,
    logger: pino({ level: 'silent' }),
    config: loadConfig({ PGLITE_DIR: 'memory://' }),
  };
}

describe('deliverReport', () => {
  it('sends the chat text and then the chart as a picture', async () => {
    const messenger = new AttachmentMessenger();
    const sent = await deliverReport(depsWith(messenger), chat, fixtureReport(), 'chat');
    expect(sent.map((ref) => ref.messageId)).toEqual(['1', 'image-1']);
    expect(messenger.texts()[0]).toMatch(/^📊 BÁO CÁO TÌNH HÌNH DƯ LUẬN XÃ HỘI/);
    const { image } = messenger.images[0]!;
    expect(image.name).toBe('bao-cao-dlxh-CTY-2024-01-01.png');
    expect([...image.data.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(image.caption).toBe('Biểu đồ: Công ty Than Thống Nhất (CTY), quý I/2024');
  });

  it('sends the heat map as a second picture when a survey closed in the period, and embeds it in the Word file', async () => {
    const messenger = new AttachmentMessenger();
    const base = fixtureReport();
    const unit = base.pulses.units[0]!.unit;
    const report = {
      ...base,
      heatmap: {
        columns: [{ surveyId: 7, surveyTitle: 'Khảo sát quý', question: 0, text: 'Bạn hài lòng?' }],
        previous: [],
        rows: [{ unit, cells: [{ score: 0.75, label: '4.0', trend: null }] }],
        omitted: 0,
      },
    };
    const sent = await deliverReport(depsWith(messenger), chat, report, 'chat');
    expect(sent.map((ref) => ref.messageId)).toEqual(['1', 'image-1', 'image-2']);
    const { image } = messenger.images[1]!;
    expect(image.name).toBe('bao-cao-dlxh-CTY-2024-01-01.heatmap.png');
    expect([...image.data.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(image.caption).toBe('Bản đồ nhiệt đơn vị × câu hỏi: Công ty Than Thống Nhất (CTY), quý I/2024');
    await deliverReport(depsWith(messenger), chat, report, 'docx');
    const files = unzipSync(messenger.files[0]!.file.data);
    expect(Object.keys(files).filter((name) => name.startsWith('word/media/'))).toHaveLength(1);
    // Without a survey in the period, the chat has the chart alone (the first test) and the file no picture.
    await deliverReport(depsWith(messenger), chat, fixtureReport(), 'docx');
    expect(
      Object.keys(unzipSync(messenger.files[1]!.file.data)).some((n) => n.startsWith('word/media/')),
    ).toBe(false);
  });

  it('sends each file format as a file with its name, type and bytes', async () => {
    const messenger = new AttachmentMessenger();
    const deps = depsWith(messenger);
    for (const format of ['md', 'csv', 'docx'] as const) {
      await deliverReport(deps, chat, fixtureReport(), format);
    }
    expect(messenger.sent).toHaveLength(0);
    const [md, csv, docx] = messenger.files.map((entry) => entry.file);
    expect(md!.name).toBe('bao-cao-dlxh-CTY-2024-01-01.md');
    expect(md!.mime).toBe('text/markdown; charset=utf-8');
    expect(new TextDecoder().decode(md!.data)).toContain('## IV. Đề xuất, kiến nghị');
    expect(csv!.mime).toBe('text/csv; charset=utf-8');
    expect([...csv!.data.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(docx!.name).toBe('bao-cao-dlxh-CTY-2024-01-01.docx');
    expect(docx!.mime).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(strFromU8(unzipSync(docx!.data)['word/document.xml']!)).toContain('BÁO CÁO');
    expect(docx!.caption).toBe('Báo cáo tình hình dư luận xã hội: Công ty Than Thống Nhất (CTY), quý I/2024');
  });

  it('says the platform takes no files and sends the summary instead', async () => {
    const messenger = new RecordingMessenger();
    await deliverReport(depsWith(messenger), chat, fixtureReport(), 'docx');
    expect(messenger.texts()).toHaveLength(1);
    const [text] = messenger.texts();
    expect(text).toMatch(/^Nền tảng này không nhận tệp; đây là bản tóm tắt\.\n\n📊 BÁO CÁO/);
    expect(text).toContain('Phân xưởng Cơ điện (PX-CD): không đủ số trả lời để giữ ẩn danh');
  });

  it('says the platform takes no images and sends the text alone, in the reader’s language', async () => {
    const messenger = new RecordingMessenger();
    await deliverReport(depsWith(messenger), chat, fixtureReport(), 'chat', { locale: 'en' });
    expect(messenger.texts()).toHaveLength(1);
    expect(messenger.texts()[0]).toMatch(
      /^This platform does not take images, so the chart is left out\.\n\n📊 PUBLIC OPINION SITUATION REPORT/,
    );
  });
});
