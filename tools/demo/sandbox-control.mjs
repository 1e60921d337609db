// The demo's only door: the sandbox's control API (and, like a seller at Tiny's screen, nothing of the hub).
export function sandboxControl(baseUrl) {
  const call = async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}
