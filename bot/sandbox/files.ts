import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './http';
import { INLINE_IMAGE_TYPES } from './store';

/** The file id in `/sandbox/api/files/<id>`, or undefined for anything else. */
export function fileIdOf(url: string | undefined): number | undefined {
  const match = /^\/sandbox\/api\/files\/(\d{1,15})$/.exec(new URL(url ?? '/', 'http://localhost').pathname);
  return match ? Number(match[1]) : undefined;
}

/**
 * RFC 6266: an ASCII fallback name for old clients and the exact UTF-8 name in filename*.
 * Pictures are shown inline; everything else downloads, so a stored file can never run as a page.
 */
export function contentDisposition(name: string, mime: string): string {
  const kind = INLINE_IMAGE_TYPES.has(mime) ? 'inline' : 'attachment';
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function sendStoredFile(
  res: ServerResponse,
  file: { name: string; mime: string; bytes: Uint8Array },
): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': file.mime,
    'content-length': String(file.bytes.byteLength),
    'content-disposition': contentDisposition(file.name, file.mime),
  });
  res.end(file.bytes);
}
