// A source's file filters: which files the host wants at all.
import type { FileFilters } from '../domain/source.js';

export function passesFilters(filters: FileFilters, name: string | undefined, size: number | undefined): boolean {
  if (filters.extensions && filters.extensions.length > 0) {
    const lower = (name ?? '').toLowerCase();
    if (!filters.extensions.some((ext) => lower.endsWith(ext))) return false;
  }
  if (filters.maxSizeBytes !== undefined && size !== undefined && size > filters.maxSizeBytes) return false;
  return true;
}
