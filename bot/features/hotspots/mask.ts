export interface MaskLabels {
  mention: string;
  phone: string;
  link: string;
}

const LINK =
  /\b(?:https?:\/\/|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+|\b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|info|me|io|ly|gl)\b(?:\/\S*)?/giu;
const MENTION = /@[\p{L}\p{N}_.]{2,}/gu;
/** Vietnamese numbers (0xx…, +84 …) and anything with 8+ digits in groups. */
const PHONE = /(?:\+?\d[\d\s.()-]{6,}\d)/g;

/** An excerpt safe to put in an alert: links, @mentions and phone numbers replaced, cut to `max` characters. */
export function maskExcerpt(text: string, labels: MaskLabels, max = 200): string {
  const masked = text
    .normalize('NFC')
    .replace(LINK, `[${labels.link}]`)
    .replace(MENTION, `[${labels.mention}]`)
    .replace(PHONE, (digits) => (digits.replace(/\D/g, '').length >= 8 ? `[${labels.phone}]` : digits))
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}
