// decodeURIComponent that leaves a malformed segment as it is (Graph then answers it as an unknown id).
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
