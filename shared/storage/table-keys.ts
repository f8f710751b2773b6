// Table Storage forbids '/', '\\', '#', '?' and control characters in PartitionKey/RowKey.
// Every key built from outside input goes through here.

export function safeKey(value: string): string {
  return value.replace(
    // eslint-disable-next-line no-control-regex

    /[/\\#?%\u0000-\u001f\u007f-\u009f]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export function isRestError(error: unknown, status: number): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === status;
}
