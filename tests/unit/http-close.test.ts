import { createServer } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { close, listen } from '../../bot/runtime/http/server';

describe('closing the HTTP server on a stop', () => {
  it('waits for a request in progress, and cuts one still open after the grace period', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    const port = await listen(server, 0, '127.0.0.1');
    // A client that sends its headers and part of a body, then nothing more.
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"update_id":');
    const cut = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await close(server, 300);
    const tookMs = performance.now() - started;
    await cut;
    expect(tookMs).toBeGreaterThanOrEqual(250);
    expect(tookMs).toBeLessThan(2_000);
  });
});
