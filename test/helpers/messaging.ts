/**
 * A real SMTP server (the smtp-server package) and a real HTTP SMS gateway (node:http), both on
 * 127.0.0.1, that record what reaches them. The gateway honours the contract of notifications/README.md:
 * a repeated Idempotency-Key is answered as the first time and sends nothing more.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  at: number;
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_all, kind: string, data: string) =>
    kind.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuoted(data.replace(/_/g, ' ')),
  );
}

function decodeQuoted(value: string): string {
  const bytes: number[] = [];
  const soft = value.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Enough MIME for nodemailer's single-part text messages. */
function parseMail(raw: string): Omit<ReceivedMail, 'at'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : encoding === 'quoted-printable' ? decodeQuoted(body) : body;
  return { to: headers.to ?? '', subject: headers.subject ?? '', text: text.trim(), headers };
}

export interface TestSmtpServer {
  url: string;
  mails: ReceivedMail[];
  /** The next `count` messages are answered with this SMTP code (4xx: try later, 5xx: refused). */
  refuseNext(count: number, code: number): void;
  /** Wait this long after receiving a message before answering (a slow server, or one a client dies on). */
  holdMs: number;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  let refusals = 0;
  let refusalCode = 451;
  const state = { holdMs: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals -= 1;
          const err = Object.assign(new Error(refusalCode >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: refusalCode });
          return callback(err);
        }
        mails.push({ at: Date.now(), ...parseMail(Buffer.concat(chunks).toString('utf8')) });
        setTimeout(() => callback(), state.holdMs);
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuseNext(count, code) {
      refusals = count;
      refusalCode = code;
    },
    get holdMs() {
      return state.holdMs;
    },
    set holdMs(ms: number) {
      state.holdMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedSms {
  at: number;
  key: string;
  to: string;
  text: string;
  body: Record<string, unknown>;
  authorization?: string;
}

export interface TestSmsGateway {
  url: string;
  /** Messages the gateway sent: one per idempotency key. */
  messages: ReceivedSms[];
  /** Every request, repeats included. */
  requests: number;
  /** Answer this status to requests for a number, instead of sending. */
  failFor: Map<string, number>;
  /** Wait this long before answering (the message is already sent by then). */
  holdMs: number;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

export async function startSmsGateway(options: { token?: string } = {}): Promise<TestSmsGateway> {
  const answered = new Map<string, string>();
  const gateway = {
    messages: [] as ReceivedSms[],
    requests: 0,
    failFor: new Map<string, number>(),
    holdMs: 0,
  };
  const server: Server = createServer((request, response) => {
    // Left unhandled on purpose: a request this fake cannot read (a body that is not JSON) is the client's
    // bug, and vitest fails the run on an unhandled rejection.
    void (async () => {
      gateway.requests += 1;
      const raw = await readBody(request);
      if (options.token && request.headers.authorization !== `Bearer ${options.token}`) {
        response.writeHead(401).end('{"error":"bad credentials"}');
        return;
      }
      const key = String(request.headers['idempotency-key'] ?? '');
      const body = JSON.parse(raw) as { to: string; text: string };
      const failure = gateway.failFor.get(body.to);
      if (failure) {
        response.writeHead(failure, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
        return;
      }
      let answer = answered.get(key);
      if (!answer) {
        answer = JSON.stringify({ id: `gw-${answered.size + 1}` });
        answered.set(key, answer);
        gateway.messages.push({ at: Date.now(), key, to: body.to, text: body.text, body, authorization: request.headers.authorization });
      }
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(answer), gateway.holdMs);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(gateway, {
    url: `http://127.0.0.1:${port}/sms`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
