// Table Storage forbids '/', '\\', '#', '?' and control characters in PartitionKey/RowKey.
// Every key built from outside input goes through here.

const FORBIDDEN = new Set(['/', '\\', '#', '?', '%']);

export function safeKey(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    const isControl = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    out += FORBIDDEN.has(ch) || isControl ? `%${code.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}
