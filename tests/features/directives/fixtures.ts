import { eq } from 'drizzle-orm';
import { directives } from '../../../db/schema';
import { applyScenario } from '../../../scenarios/engine';
import { formatErrors, parseScenario } from '../../../scenarios/load';
import type { TestDatabase } from '../../helpers/db';

/** A company with two cells, one bound Telegram group each, and two directives. */
export const CAMPAIGN = `version: 1
organisation: { name: Công ty Mẫu }
units:
  - code: CTY
    name: Đảng ủy Công ty
    children:
      - { code: CB1, name: Chi bộ 1 }
      - { code: CB2, name: Chi bộ 2 }
people:
  - key: admin
    name: Quản trị
    identities: { telegram: "1" }
    roles: [{ role: admin, unit: CTY }]
  - key: leader-cb1
    name: Bí thư CB1
    identities: { telegram: "2" }
    roles: [{ role: admin, unit: CB1 }]
chats:
  - { platform: telegram, id: "-1001", title: Nhóm Chi bộ 1, unit: CB1 }
  - { platform: telegram, id: "-1002", title: Nhóm Chi bộ 2, unit: CB2 }
directives:
  - id: NV1
    title: Quán triệt Kết luận 100-KL/TW
    body: |
      Các chi bộ **tổ chức quán triệt** tới _toàn thể_ đảng viên.
      - Hoàn thành trước 30/3/2024
      - Báo cáo kết quả về [Đảng ủy](https://thanthongnhat.vn)
    source: Công văn 230-CV/BTG ngày 05/3/2024 của Ban Tuyên giáo Đảng ủy TKV
    schedule: { at: 2024-03-15 08:00 }
    ack: true
    remind_after: 48h
  - id: NV-THANG
    title: Nắm bắt dư luận hằng tháng
    body: Các chi bộ tổng hợp tình hình tư tưởng, dư luận trong tháng.
    audience: [CB1]
    schedule: { cron: "0 8 1 * *", from: 2024-04-01, until: 2024-12-31 }
`;

/** 12/03/2024 08:00 in Hà Nội: the day the plan was published. */
export const PUBLISHED = new Date('2024-03-12T01:00:00Z');

export async function applyText(database: TestDatabase, text: string, now = PUBLISHED) {
  const parsed = parseScenario(text, 'campaign.yaml');
  if (!parsed.ok) throw new Error(formatErrors(parsed.errors));
  const plan = await applyScenario(database.db, parsed.scenario, { now, timezone: 'Asia/Ho_Chi_Minh' });
  if (plan.problems.length) throw new Error(JSON.stringify(plan.problems));
  return plan;
}

export async function directiveId(database: TestDatabase, key: string): Promise<number> {
  const [row] = await database.db.select().from(directives).where(eq(directives.key, key));
  if (!row) throw new Error(`no directive ${key}`);
  return row.id;
}
