import { Writable } from 'node:stream';
import { GrammyError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/runtime/logger';

describe('logger', () => {
  it('logs platform errors without the request payload (message text, chat ids)', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('info', { destination });
    const error = new GrammyError(
      "Call to 'sendMessage' failed!",
      { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
      'sendMessage',
      { chat_id: 424242, text: 'Lương tháng này chậm quá' },
    );
    logger.error({ err: error }, 'send failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('chat not found');
    expect(lines[0]).not.toContain('Lương');
    expect(lines[0]).not.toContain('424242');
  });
});
