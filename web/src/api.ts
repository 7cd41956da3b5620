import { session, signOut } from './session.js';

/** A field the API refused, with the JSON pointer of the field. */
export interface FieldProblem {
  pointer?: string;
  message: string;
}

/** The API's problem details (RFC 9457), as an exception the pages can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(detail);
  }
}

interface Options {
  body?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
}

export async function api<T>(method: string, path: string, options: Options = {}): Promise<T> {
  const response = await send(method, path, options);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A file the API serves (a handed-in or an issued document), as a blob the page can save; a POST for the kiosk's. */
export async function apiBlob(path: string, body?: unknown): Promise<Blob> {
  return (await send(body === undefined ? 'GET' : 'POST', path, body === undefined ? {} : { body })).blob();
}

async function send(method: string, path: string, options: Options): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const person = session.get();
  if (person && !headers.authorization) headers.authorization = `Bearer ${person.token}`;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached.');
  }
  if (!response.ok) {
    const text = await response.text();
    const problem = (text.startsWith('{') ? JSON.parse(text) : {}) as { code?: string; detail?: string; errors?: FieldProblem[] };
    // An expired or revoked token: the person signs in again.
    if (response.status === 401 && person) signOut();
    throw new ApiError(response.status, problem.code ?? 'error', problem.detail ?? response.statusText, problem.errors ?? []);
  }
  return response;
}

/** Query strings without the empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}
