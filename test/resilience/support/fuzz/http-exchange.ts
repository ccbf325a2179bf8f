import { credentialHeaders, headerSafe, type ForgedTokens, type Wallet } from './credentials.js';
import { serialize, textOf, type Resolver, type Text } from './json-model.js';
import type { Operation } from './openapi-operations.js';
import type { BodySpec, FuzzRequest } from './request-arbitrary.js';
import type { Captured } from './response-oracle.js';

/** A request as sent: concrete URL, headers and bytes. */
export type Outgoing = { method: string; url: string; headers: Record<string, string>; body?: Uint8Array };

/** Generous: a hang (say, a pg_sleep that reached SQL) is a finding, not a slow answer. */
const ANSWER_TIMEOUT_MS = 15_000;

/** encodeURIComponent, with lone surrogates (which it refuses) made U+FFFD first. */
const encode = (text: string) => encodeURIComponent(text.replace(/\p{Surrogate}/gu, '\ufffd'));

function pathOf(op: Operation, request: FuzzRequest, resolve: Resolver): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = request.path.find((p) => p.name === name);
    if (!param) return name;
    const text = textOf(param.value, resolve);
    return param.raw ? text : encode(text);
  });
}

function queryOf(request: FuzzRequest, resolve: Resolver): string {
  const part = (text: Text, raw: boolean) => (raw ? textOf(text, resolve) : encode(textOf(text, resolve)));
  const pairs = request.query.map((q) => `${part(q.key, q.raw)}=${part(q.value, q.raw)}`);
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

function bodyOf(spec: BodySpec, resolve: Resolver): { bytes?: Uint8Array; contentType?: string } {
  switch (spec.kind) {
    case 'none':
      return {};
    case 'json':
      return { bytes: Buffer.from(serialize(spec.node, resolve)), contentType: spec.contentType };
    case 'text':
      return { bytes: Buffer.from(spec.text), contentType: spec.contentType };
    case 'oversized':
      return { bytes: Buffer.from(`{"title":"${'x'.repeat(spec.bytes)}","content":"c"}`), contentType: 'application/json' };
  }
}

/** The concrete request: refs looked up, credentials made, body serialized. */
export function outgoing(op: Operation, request: FuzzRequest, context: { baseUrl: string; resolve: Resolver; wallet: Wallet; forged: ForgedTokens }): Outgoing {
  const { resolve } = context;
  const headers: Record<string, string> = {};
  for (const h of request.headers) headers[h.name.toLowerCase()] = headerSafe(`${h.prefix}${textOf(h.value, resolve)}`);
  Object.assign(headers, credentialHeaders(request.credential, context.wallet, request.garbage, context.forged));
  // fetch cannot send a body with GET; every other method gets the generated one.
  const { bytes, contentType } = op.method === 'GET' ? {} : bodyOf(request.body, resolve);
  if (contentType) headers['content-type'] = contentType;
  if (!bytes) delete headers['content-encoding'];
  return { method: op.method, url: `${context.baseUrl}${pathOf(op, request, resolve)}${queryOf(request, resolve)}`, headers, body: bytes };
}

/** Sends over real HTTP (fetch, keep-alive); a connection error is an answer of status 0. */
export async function exchange(out: Outgoing): Promise<Captured> {
  const started = performance.now();
  try {
    const res = await fetch(out.url, { method: out.method, headers: out.headers, body: out.body, redirect: 'manual', signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    return { status: res.status, headers: res.headers, text, ms: performance.now() - started };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const error = `${(err as Error).message}${cause ? `: ${cause.code ?? ''} ${cause.message ?? ''}` : ''}`;
    return { status: 0, headers: new Headers(), text: '', ms: performance.now() - started, error };
  }
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/** A readable account of a request and its answer, for failure messages. */
export function describeExchange(out: Outgoing, res?: Captured): string {
  const headers = Object.entries(out.headers).map(([name, value]) => `  ${name}: ${clip(value, 120)}`);
  const body = out.body ? `  body (${out.body.length} bytes): ${clip(Buffer.from(out.body).toString('utf8'), 600)}` : '  (no body)';
  const request = [`${out.method} ${clip(out.url, 400)}`, ...headers, body].join('\n');
  if (!res) return request;
  return `${request}\nanswer: ${res.status} in ${Math.round(res.ms)} ms, content-type ${res.headers.get('content-type')}\n  ${clip(res.text || res.error || '', 1_500)}`;
}
