/**
 * @module Report files are pretty-printed JSON with a trailing newline, written atomically through the storage.
 */
import type { Storage } from '../storage/storage.ts';

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export async function writeJson(storage: Storage, path: string, value: unknown): Promise<string> {
  await storage.writeFile(path, toJson(value));
  return storage.describe(path);
}
