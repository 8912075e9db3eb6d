import { DatabaseLockedError, UnusableDirectoryError } from '../../db/lock';
import { ConfigError } from '../config';

/** A start-up failure whose message is already the one line to print. */
export class StartupError extends Error {
  override name = 'StartupError';
}

interface SystemError {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  hostname?: string;
  message?: string;
}

/**
 * The one readable line printed for an error that stops start-up (no stack trace): config, the
 * database, the data directory, the HTTP port and host, a platform's API. Unknown errors still
 * give one line, prefixed so the operator knows it happened while starting.
 */
export function describeStartupError(error: unknown, where: { host: string; port: number }): string {
  if (error instanceof ConfigError || error instanceof DatabaseLockedError) return error.message;
  if (error instanceof UnusableDirectoryError || error instanceof StartupError) return error.message;
  const e = (error ?? {}) as SystemError;
  const text = oneLine(e.message ?? String(error));
  if (e.syscall === 'listen' || e.syscall === 'bind') {
    if (e.code === 'EADDRINUSE')
      return `Start-up error: port ${where.port} on ${where.host} is already in use (set PORT, or stop the other process)`;
    if (e.code === 'EACCES')
      return `Start-up error: no permission to listen on port ${where.port} (use a port above 1023)`;
    if (e.code === 'EADDRNOTAVAIL')
      return `Start-up error: HOST ${where.host} is not an address of this machine`;
  }
  if (e.syscall === 'getaddrinfo' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') {
    const name = e.hostname ?? where.host;
    return `Start-up error: the host name "${name}" cannot be resolved (check HOST and DATABASE_URL)`;
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ETIMEDOUT' || e.code === 'EHOSTUNREACH') {
    const target = e.address ? `${e.address}:${e.port ?? ''}` : 'the database server';
    return `Database error: cannot connect to ${target} (${e.code}): is PostgreSQL running there? Check DATABASE_URL`;
  }
  if (e.code === '3D000') return `Database error: ${text} (create it, or fix the name in DATABASE_URL)`;
  if (e.code === '28P01' || e.code === '28000')
    return `Database error: ${text} (check the user and password in DATABASE_URL)`;
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
    return `Database error: ${text} (${e.code})`;
  return `Start-up error: ${text}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
