/** A section of a report template: free text, or the unit's mood on a 1–5 scale. */
export interface Section {
  key: string;
  vi: string;
  en: string;
  kind: 'text' | 'mood';
}

/**
 * The committee's usual sections (Đảng ủy Công ty's monthly summary), and a short one for
 * "something happened". A template is named in `/yeucau … --template NAME` and in `requests:`.
 */
export const TEMPLATES: Record<string, readonly Section[]> = {
  thang: [
    { key: 'tu-tuong', vi: 'Tình hình tư tưởng chung', en: 'General state of mind', kind: 'text' },
    { key: 'buc-xuc', vi: 'Vấn đề bức xúc, nổi cộm', en: 'Pressing, prominent issues', kind: 'text' },
    {
      key: 'du-luan',
      vi: 'Dư luận về chủ trương, chính sách mới',
      en: 'Opinion on new policies and decisions',
      kind: 'text',
    },
    { key: 'kien-nghi', vi: 'Kiến nghị, đề xuất', en: 'Recommendations and proposals', kind: 'text' },
    { key: 'tam-trang', vi: 'Tâm trạng chung (1–5)', en: 'Overall mood (1–5)', kind: 'mood' },
  ],
  'dot-xuat': [
    { key: 'su-viec', vi: 'Sự việc, diễn biến', en: 'What happened', kind: 'text' },
    { key: 'du-luan', vi: 'Dư luận, phản ứng của người lao động', en: 'What workers say', kind: 'text' },
    { key: 'kien-nghi', vi: 'Kiến nghị, đề xuất', en: 'Recommendations and proposals', kind: 'text' },
    { key: 'tam-trang', vi: 'Tâm trạng chung (1–5)', en: 'Overall mood (1–5)', kind: 'mood' },
  ],
};

export const DEFAULT_TEMPLATE = 'thang';
export const TEMPLATE_NAMES = Object.keys(TEMPLATES);

/** Longest answer to one section, and of a whole pasted report. */
export const MAX_SECTION_LENGTH = 3000;
export const MAX_REPORT_LENGTH = 9000;

export function templateSections(name: string): readonly Section[] | undefined {
  return Object.hasOwn(TEMPLATES, name) ? TEMPLATES[name] : undefined;
}
