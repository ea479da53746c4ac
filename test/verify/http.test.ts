import * as http from 'http';
import { AddressInfo } from 'net';
import { HttpRequest, HttpResponse, Limiter, nodeTransport, TransportError, withRetry } from '../../src/verify/http';

describe('Limiter', () => {
  test('never runs more than max tasks at once, and runs them all', async () => {
    const limiter = new Limiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.run(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return i;
    })));
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
  });

  test('a failing task frees its slot', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  test('rejects a limit below 1', () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
  });
});

describe('withRetry', () => {
  const request: HttpRequest = { method: 'GET', url: new URL('https://reg.io/v2/'), headers: {}, allowInsecureTls: false, timeoutMs: 10 };
  const failing = (failures: TransportError[]) => {
    let calls = 0;
    const transport = async (): Promise<HttpResponse> => {
      calls++;
      const failure = failures.shift();
      if (failure) throw failure;
      return { status: 200, headers: {}, body: '' };
    };
    return { transport, calls: () => calls };
  };

  test('retries a connection error once', async () => {
    const t = failing([new TransportError('connection', 'ECONNRESET')]);
    await expect(withRetry(t.transport)(request)).resolves.toMatchObject({ status: 200 });
    expect(t.calls()).toBe(2);
  });

  test('gives up after the one retry', async () => {
    const t = failing([new TransportError('connection', 'a'), new TransportError('connection', 'b')]);
    await expect(withRetry(t.transport)(request)).rejects.toThrow('b');
    expect(t.calls()).toBe(2);
  });

  test.each(['timeout', 'tls'] as const)('does not retry a %s', async (failure) => {
    const t = failing([new TransportError(failure, 'x')]);
    await expect(withRetry(t.transport)(request)).rejects.toThrow('x');
    expect(t.calls()).toBe(1);
  });
});

describe('nodeTransport', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      res.writeHead(200, { 'X-Two': ['a', 'b'] });
      res.end('hello');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const get = (p: string, timeoutMs = 2000) => nodeTransport({
    method: 'GET', url: new URL(`http://127.0.0.1:${port}${p}`), headers: {}, allowInsecureTls: false, timeoutMs,
  });

  test('returns status, lower-case joined headers and body', async () => {
    const response = await get('/');
    expect(response).toMatchObject({ status: 200, body: 'hello' });
    expect(response.headers['x-two']).toBe('a, b');
  });

  test('times out', async () => {
    await expect(get('/slow', 100)).rejects.toMatchObject({ failure: 'timeout' });
  });

  test('a closed port is a connection failure', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(nodeTransport({
      method: 'GET', url: new URL(`http://127.0.0.1:${closedPort}/`), headers: {}, allowInsecureTls: false, timeoutMs: 2000,
    })).rejects.toMatchObject({ failure: 'connection', message: expect.stringContaining('ECONNREFUSED') });
  });
});
