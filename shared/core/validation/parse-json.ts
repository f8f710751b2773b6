// JSON.parse that answers undefined instead of throwing: its SyntaxError quotes the input, and the
// input may be a decrypted secret, so callers turn undefined into their own reason or message.
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
