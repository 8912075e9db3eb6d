import type { SurveyQuestion } from './types';

/**
 * The question bank for the seed's themes (Kết luận 100-KL/TW and the company plan): Vietnamese
 * first, English second, each with its kind. A recurring pulse draws a different subset each run
 * (`bankSubset`), so pulses stay short and every question is asked within a few runs.
 */

export const BANK_THEMES = [
  'policy',
  'wages',
  'jobs',
  'safety',
  'living',
  'rules',
  'trust',
  'information',
] as const;
export type BankTheme = (typeof BANK_THEMES)[number];

export interface BankQuestion extends SurveyQuestion {
  bankId: string;
  theme: BankTheme;
}

const q = (
  bankId: string,
  theme: BankTheme,
  kind: SurveyQuestion['kind'],
  vi: string,
  en: string,
  options?: string[],
): BankQuestion => ({ bankId, theme, kind, text: { vi, en }, ...(options ? { options } : {}) });

export const QUESTION_BANK: readonly BankQuestion[] = [
  q(
    'policy-1',
    'policy',
    'scale',
    'Bạn hiểu rõ nghị quyết, chủ trương mới của Đảng đến mức nào?',
    'How well do you understand the Party’s new resolutions and policies?',
  ),
  q(
    'policy-2',
    'policy',
    'yesno',
    'Chi bộ có phổ biến nghị quyết mới cho bạn trong tháng này không?',
    'Did your cell explain the new resolution to you this month?',
  ),
  q(
    'policy-3',
    'policy',
    'text',
    'Điều gì trong chủ trương, chính sách mới bạn còn băn khoăn?',
    'What in the new policies still worries you?',
  ),
  q(
    'wages-1',
    'wages',
    'scale',
    'Bạn hài lòng với thu nhập hiện nay đến mức nào?',
    'How satisfied are you with your income now?',
  ),
  q(
    'wages-2',
    'wages',
    'yesno',
    'Tháng này lương có được trả đúng hạn không?',
    'Was this month’s pay on time?',
  ),
  q(
    'wages-3',
    'wages',
    'choice',
    'Điều bạn mong cải thiện nhất về thu nhập?',
    'What would you most like improved about pay?',
    ['Lương cơ bản', 'Thưởng', 'Phụ cấp độc hại', 'Trả đúng hạn'],
  ),
  q(
    'jobs-1',
    'jobs',
    'scale',
    'Bạn yên tâm về việc làm của mình trong năm tới đến mức nào?',
    'How secure do you feel about your job next year?',
  ),
  q(
    'jobs-2',
    'jobs',
    'nps',
    'Bạn có sẵn lòng giới thiệu người thân vào làm ở công ty không? (0–10)',
    'How likely are you to recommend the company as a workplace? (0–10)',
  ),
  q(
    'safety-1',
    'safety',
    'scale',
    'Bạn thấy điều kiện an toàn ở nơi làm việc thế nào?',
    'How safe do you find your workplace?',
  ),
  q(
    'safety-2',
    'safety',
    'yesno',
    'Bạn có được cấp đủ bảo hộ lao động không?',
    'Do you have all the protective equipment you need?',
  ),
  q(
    'safety-3',
    'safety',
    'text',
    'Chỗ nào ở nơi làm việc bạn thấy chưa an toàn?',
    'Where at work do you feel unsafe?',
  ),
  q(
    'living-1',
    'living',
    'scale',
    'Bạn hài lòng với bữa ăn ca, nhà tắm, nhà nghỉ đến mức nào?',
    'How satisfied are you with shift meals, showers and rest rooms?',
  ),
  q(
    'living-2',
    'living',
    'choice',
    'Đời sống gia đình bạn hiện nay thế nào?',
    'How is your family getting by now?',
    ['Ổn định', 'Tạm đủ', 'Khó khăn'],
  ),
  q(
    'rules-1',
    'rules',
    'scale',
    'Quy định mới của công ty có rõ ràng, dễ làm theo không?',
    'Are the company’s new rules clear and easy to follow?',
  ),
  q(
    'rules-2',
    'rules',
    'yesno',
    'Bạn có được hỏi ý kiến trước khi quy định mới được ban hành không?',
    'Were you consulted before the new rules were issued?',
  ),
  q(
    'trust-1',
    'trust',
    'scale',
    'Bạn tin tưởng vào lãnh đạo đơn vị đến mức nào?',
    'How much do you trust your unit’s leaders?',
  ),
  q(
    'trust-2',
    'trust',
    'yesno',
    'Khi bạn góp ý, lãnh đạo có lắng nghe và trả lời không?',
    'When you raise something, do leaders listen and answer?',
  ),
  q(
    'trust-3',
    'trust',
    'nps',
    'Bạn đánh giá sự công bằng trong đơn vị từ 0 đến 10?',
    'How fair is your unit, from 0 to 10?',
  ),
  q(
    'info-1',
    'information',
    'choice',
    'Bạn biết tin tức công ty chủ yếu qua đâu?',
    'Where do you mostly hear company news?',
    ['Họp chi bộ, tổ', 'Nhóm chat', 'Bảng tin', 'Đồng nghiệp', 'Mạng xã hội'],
  ),
  q(
    'info-2',
    'information',
    'scale',
    'Thông tin công ty đến với bạn có kịp thời không?',
    'Does company news reach you in good time?',
  ),
];

/**
 * The bank in rotation order: one question of each theme in turn (themes in BANK_THEMES order, each
 * theme's questions in bank order), so any window of the rotation spreads over the themes.
 */
export function rotationOrder(bank: readonly BankQuestion[] = QUESTION_BANK): BankQuestion[] {
  const byTheme = BANK_THEMES.map((theme) => bank.filter((question) => question.theme === theme));
  const order: BankQuestion[] = [];
  for (let round = 0; order.length < bank.length; round++) {
    for (const list of byTheme) {
      const question = list[round];
      if (question) order.push(question);
    }
  }
  return order;
}

/**
 * The questions of run `run` (0, 1, …) of a pulse of `size` questions: the next `size` of the
 * rotation, wrapping round. Deterministic; consecutive runs never repeat a question while
 * size ≤ bank / 2; every question is asked within ceil(bank / size) runs.
 */
export function bankSubset(
  run: number,
  size: number,
  bank: readonly BankQuestion[] = QUESTION_BANK,
): BankQuestion[] {
  const order = rotationOrder(bank);
  const count = Math.max(1, Math.min(size, order.length));
  const start = (Math.max(0, Math.trunc(run)) * count) % order.length;
  return Array.from({ length: count }, (_, i) => order[(start + i) % order.length]!);
}

/** How many runs cover the whole bank with pulses of `size`. */
export function runsToCover(size: number, bank: readonly BankQuestion[] = QUESTION_BANK): number {
  return Math.ceil(bank.length / Math.max(1, Math.min(size, bank.length)));
}
