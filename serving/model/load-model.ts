/**
 * @module Finds and reads the model in the model directory (SageMaker extracts model.tar.gz into /opt/ml/model).
 *
 * File choice, first match wins: `xgboost-model` (the name SageMaker's XGBoost containers use, no extension),
 * `xgboost-model.json`, `xgboost-model.ubj`, then the only `*.json`/`*.ubj` file in the directory. The format is read
 * from the bytes, not the name: both formats open with `{`, and the byte after it tells them apart (`"` for JSON, a
 * length marker such as `L` for UBJSON).
 */

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readCappedBytes } from '../../monitor/runtime/read-capped-file.ts';
import { ModelError } from '../errors.ts';
import { compiledTrees } from './compile-trees.ts';
import { parseModel, type XGBoostModel } from './parse-model.ts';
import { readJsonModel } from './read-json-model.ts';
import { decodeUbjson } from './ubjson.ts';

/** How a model file is encoded. */
export type ModelFormat = 'json' | 'ubjson';

/** A model with where it came from, for logs and /ping details. */
export interface LoadedModel {
  readonly model: XGBoostModel;
  readonly path: string;
  readonly format: ModelFormat;
}

const PREFERRED_NAMES = ['xgboost-model', 'xgboost-model.json', 'xgboost-model.ubj'];

/** The largest model file read: 2 GiB (a JSON model past about 512 MB cannot become one string anyway). */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** Loads the model from a directory, or from a file when `path` is one. */
export async function loadModel(path: string): Promise<LoadedModel> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new ModelError(`model: ${path} does not exist; set SM_MODEL_DIR to the directory holding xgboost-model`, { cause });
  }
  const file = info.isDirectory() ? await chooseModelFile(path) : path;
  let bytes: Buffer;
  try {
    // A regular file only: SM_MODEL_DIR naming a FIFO waited for a writer forever, /dev/zero read until memory ran out.
    bytes = await readCappedBytes(file, MAX_MODEL_BYTES);
  } catch (cause) {
    throw new ModelError(`model: ${file} cannot be read (${(cause as Error).message}); expected an xgboost model file`, { cause });
  }
  const format = detectFormat(bytes, file);
  let doc: unknown;
  try {
    doc = format === 'json' ? readJsonModel(bytes.toString('utf8')) : decodeUbjson(bytes);
  } catch (cause) {
    if (cause instanceof ModelError) throw new ModelError(`model: ${file}: ${cause.message}`, { cause });
    throw new ModelError(`model: ${file} is not valid JSON (${(cause as Error).message})`, { cause });
  }
  try {
    const model = parseModel(doc);
    // The trees are compiled now, at load, rather than by the first request.
    compiledTrees(model);
    return { model, path: file, format };
  } catch (cause) {
    if (cause instanceof ModelError) throw new ModelError(`${cause.message} (in ${file})`, { cause });
    throw cause;
  }
}

/** Picks the model file inside a directory (see the module comment for the order). */
export async function chooseModelFile(dir: string): Promise<string> {
  const names: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    // A link counts when it leads to a regular file (a model.tar.gz may hold one); a dangling link or a loop does not.
    const isFile = d.isFile() || (d.isSymbolicLink() && (await stat(join(dir, d.name)).catch(() => undefined))?.isFile() === true);
    if (isFile) names.push(d.name);
  }
  for (const name of PREFERRED_NAMES) if (names.includes(name)) return join(dir, name);
  const candidates = names.filter((n) => n.endsWith('.json') || n.endsWith('.ubj')).sort();
  if (candidates.length === 1) return join(dir, candidates[0]!);
  if (candidates.length === 0) {
    throw new ModelError(
      `model: no model file in ${dir}; expected xgboost-model, xgboost-model.json, xgboost-model.ubj or one *.json/*.ubj file` +
        ` (found: ${names.length ? names.join(', ') : 'nothing'})`,
    );
  }
  throw new ModelError(
    `model: ${dir} holds several model files (${candidates.join(', ')}); name the one to serve xgboost-model.json or xgboost-model.ubj`,
  );
}

/** Tells JSON from UBJSON by the bytes; anything else is a ModelError with a hint about the format it looks like. */
export function detectFormat(bytes: Uint8Array, file = 'model'): ModelFormat {
  let i = 0;
  while (i < bytes.length && isSpace(bytes[i]!)) i++;
  if (bytes[i] === 0x7b /* { */) {
    let j = i + 1;
    while (j < bytes.length && isSpace(bytes[j]!)) j++;
    const next = bytes[j];
    if (next === 0x22 /* " */ || (next === 0x7d && j === bytes.length - 1)) return 'json';
    if (next !== undefined && 'iUIlL$#N}'.includes(String.fromCharCode(next))) return 'ubjson';
  }
  const hint =
    bytes[0] === 0x80
      ? 'it looks like a Python pickle; load it in Python and re-save with booster.save_model("xgboost-model.json")'
      : 'the legacy binary format (xgboost < 1.0, or save_model without .json/.ubj before 2.0) is not supported;' +
        ' re-save it with booster.save_model("xgboost-model.json")';
  throw new ModelError(`model: ${file} is neither xgboost JSON nor UBJSON: ${hint}`);
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}
