import { useEffect, useState } from 'preact/hooks';

/** Pages live in the URL's fragment (`#/inbox?status=open`) so every real path stays the API's. */
export interface Location {
  path: string;
  params: URLSearchParams;
}

function current(): Location {
  const raw = decodeURI(window.location.hash.replace(/^#/, '')) || '/';
  const [path, search] = raw.split('?');
  return { path: path || '/', params: new URLSearchParams(search ?? '') };
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current());
  useEffect(() => {
    const onChange = () => setLocation(current());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return location;
}

export function navigate(path: string): void {
  window.location.hash = path;
}

/** `/applications/:trackingNumber` against `/applications/MH-…`: the named parts, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(got[i]!);
    else if (part !== got[i]) return undefined;
  }
  return params;
}
