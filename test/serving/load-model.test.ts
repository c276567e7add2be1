/**
 * Loading the model folder: which file is chosen, JSON vs UBJSON by content, and the messages for models the evaluator
 * cannot serve.
 */

import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseModelFile, detectFormat, loadModel } from '../../serving/model/load-model.ts';
import { readJsonModel, replaceNonFiniteTokens } from '../../serving/model/read-json-model.ts';
import { XGBOOST_FIXTURES } from './helpers/fixtures.ts';

const CASE = `${XGBOOST_FIXTURES}/binary-logistic`;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpm-model-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modelDoc(): Promise<any> {
  return JSON.parse(await readFile(`${CASE}/model.json`, 'utf8'));
}

describe('loadModel', () => {
  it('reads xgboost-model (no extension, as SageMaker names it) whether it holds UBJSON or JSON', async () => {
    await copyFile(`${CASE}/model.ubj`, join(dir, 'xgboost-model'));
    const ubj = await loadModel(dir);
    expect(ubj.format).toBe('ubjson');
    expect(ubj.path).toBe(join(dir, 'xgboost-model'));
    await copyFile(`${CASE}/model.json`, join(dir, 'xgboost-model'));
    const json = await loadModel(dir);
    expect(json.format).toBe('json');
    expect(Array.from(json.model.value)).toEqual(Array.from(ubj.model.value));
  });

  it('prefers xgboost-model, then .json, then .ubj, then a single other model file', async () => {
    await copyFile(`${CASE}/model.ubj`, join(dir, 'other.ubj'));
    expect(await chooseModelFile(dir)).toBe(join(dir, 'other.ubj'));
    await copyFile(`${CASE}/model.ubj`, join(dir, 'xgboost-model.ubj'));
    await writeFile(join(dir, 'training-metrics.json'), '{}');
    expect(await chooseModelFile(dir)).toBe(join(dir, 'xgboost-model.ubj'));
    await copyFile(`${CASE}/model.json`, join(dir, 'xgboost-model.json'));
    expect(await chooseModelFile(dir)).toBe(join(dir, 'xgboost-model.json'));
  });

  it('follows a link to a model file, and ignores a dangling one', async () => {
    await copyFile(`${CASE}/model.json`, join(dir, 'real.bin'));
    await symlink(join(dir, 'real.bin'), join(dir, 'xgboost-model'));
    await symlink(join(dir, 'nowhere'), join(dir, 'dangling.json'));
    expect((await loadModel(dir)).path).toBe(join(dir, 'xgboost-model'));
  });

  it('refuses a folder with several candidate files or none', async () => {
    await writeFile(join(dir, 'notes.txt'), 'x');
    await expect(loadModel(dir)).rejects.toThrow(
      `model: no model file in ${dir}; expected xgboost-model, xgboost-model.json, xgboost-model.ubj or one *.json/*.ubj file (found: notes.txt)`,
    );
    await copyFile(`${CASE}/model.json`, join(dir, 'a.json'));
    await copyFile(`${CASE}/model.ubj`, join(dir, 'b.ubj'));
    await expect(loadModel(dir)).rejects.toThrow(`model: ${dir} holds several model files (a.json, b.ubj)`);
  });

  it('names the missing folder and the variable to set', async () => {
    await expect(loadModel(join(dir, 'nope'))).rejects.toThrow(
      `model: ${join(dir, 'nope')} does not exist; set SM_MODEL_DIR to the directory holding xgboost-model`,
    );
  });

  // SM_MODEL_DIR naming a FIFO waited for a writer forever; /dev/zero read until memory ran out.
  it('refuses a model path that is a FIFO or a device at once, naming it', async () => {
    const fifo = join(dir, 'xgboost-model');
    execFileSync('mkfifo', [fifo]);
    await expect(loadModel(fifo)).rejects.toThrow(/^model: .*xgboost-model cannot be read \(.*is not a regular file .*\); expected an xgboost model file$/);
    await expect(loadModel('/dev/zero')).rejects.toThrow(/^model: \/dev\/zero cannot be read \(.*is not a regular file/);
  });

  it('explains pickled and legacy binary models', () => {
    expect(() => detectFormat(Uint8Array.from([0x80, 0x04, 0x95]), 'm')).toThrow(
      'model: m is neither xgboost JSON nor UBJSON: it looks like a Python pickle; load it in Python and re-save with booster.save_model("xgboost-model.json")',
    );
    expect(() => detectFormat(Buffer.from('binf\0\0\0\0'), 'm')).toThrow('the legacy binary format (xgboost < 1.0');
    expect(detectFormat(Buffer.from(' {"learner": {}}'))).toBe('json');
    expect(detectFormat(Buffer.from('{L\0\0\0\0\0\0\0\x07learner'))).toBe('ubjson');
  });

  it('names an unsupported objective and the supported ones', async () => {
    const doc = await modelDoc();
    doc.learner.objective.name = 'reg:cubicerror';
    await writeFile(join(dir, 'xgboost-model.json'), JSON.stringify(doc));
    await expect(loadModel(dir)).rejects.toThrow(
      'model: objective "reg:cubicerror" is not supported; supported objectives are: multi:softprob, multi:softmax, binary:logistic,',
    );
  });

  it('names an unsupported booster', async () => {
    const doc = await modelDoc();
    doc.learner.gradient_booster = { name: 'gbtree_mystery', model: {} };
    await writeFile(join(dir, 'xgboost-model.json'), JSON.stringify(doc));
    await expect(loadModel(dir)).rejects.toThrow(
      'model: booster "gbtree_mystery" is not supported; supported boosters are: gbtree, dart, gblinear',
    );
  });

  it('refuses a gblinear model whose weights do not fit its features and groups', async () => {
    const doc = await modelDoc();
    const { num_feature: features, num_class: classes } = doc.learner.learner_model_param;
    doc.learner.gradient_booster = { name: 'gblinear', model: { weights: [0.1, 0.2] } };
    await writeFile(join(dir, 'xgboost-model.json'), JSON.stringify(doc));
    const needed = (Number(features) + 1) * Math.max(1, Number(classes));
    await expect(loadModel(dir)).rejects.toThrow(`model: gblinear has 2 weights; num_feature ${features} and ${Math.max(1, Number(classes))} output group(s) need ${needed}`);
  });

  it('refuses a multi-output model (num_target > 1) by name', async () => {
    const doc = await modelDoc();
    doc.learner.learner_model_param.num_target = '3';
    await writeFile(join(dir, 'xgboost-model.json'), JSON.stringify(doc));
    await expect(loadModel(dir)).rejects.toThrow('model: learner_model_param.num_target is 3: multi-output models are not supported (one target only)');
  });

  it('refuses a tree whose walk would not end (a cycle) or whose node has two parents', async () => {
    const cyclic = await modelDoc();
    const tree = cyclic.learner.gradient_booster.model.trees[0];
    const split = (tree.left_children as number[]).findIndex((l, i) => i > 0 && l !== -1);
    expect(split).toBeGreaterThan(0);
    tree.left_children[split] = split;
    await writeFile(join(dir, 'm.json'), JSON.stringify(cyclic));
    await expect(loadModel(join(dir, 'm.json'))).rejects.toThrow(`model: model.trees[0] node ${split} is reached twice from the root (a cycle or a shared child)`);
    const shared = await modelDoc();
    const t0 = shared.learner.gradient_booster.model.trees[0];
    t0.right_children[0] = t0.left_children[0];
    await writeFile(join(dir, 'm.json'), JSON.stringify(shared));
    await expect(loadModel(join(dir, 'm.json'))).rejects.toThrow(`model: model.trees[0] node ${t0.left_children[0]} is reached twice from the root`);
  });

  it('refuses multi-target (vector leaf) trees and structural damage with the path of the problem', async () => {
    const doc = await modelDoc();
    doc.learner.gradient_booster.model.trees[0].tree_param.size_leaf_vector = '3';
    await writeFile(join(dir, 'm.json'), JSON.stringify(doc));
    await expect(loadModel(join(dir, 'm.json'))).rejects.toThrow('model: model.trees[0] has vector leaves (multi-target trees), which are not supported');
    const broken = await modelDoc();
    broken.learner.gradient_booster.model.trees[1].split_indices[0] = 99;
    await writeFile(join(dir, 'm.json'), JSON.stringify(broken));
    await expect(loadModel(join(dir, 'm.json'))).rejects.toThrow('model: model.trees[1] node 0 splits on feature 99, the model has 5');
    await writeFile(join(dir, 'm.json'), '{"learner": {}}');
    await expect(loadModel(join(dir, 'm.json'))).rejects.toThrow('model: learner.learner_model_param is missing; is this an xgboost save_model file?');
  });

  it('reads the base_score of xgboost 2.x ("[5E-1]") like 1.x ("5E-1")', async () => {
    const doc = await modelDoc();
    const plain = (await loadModel(`${CASE}/model.json`)).model.baseMargin[0];
    doc.learner.learner_model_param.base_score = `[${doc.learner.learner_model_param.base_score}]`;
    await writeFile(join(dir, 'm.json'), JSON.stringify(doc));
    expect((await loadModel(join(dir, 'm.json'))).model.baseMargin[0]).toBe(plain);
  });
});

describe('readJsonModel', () => {
  it("accepts xgboost's NaN and Infinity tokens but leaves strings alone", () => {
    expect(readJsonModel('{"a":[NaN,1,-Infinity,Infinity],"s":"NaN Infinity"}')).toEqual({
      a: [null, 1, -Infinity, Infinity],
      s: 'NaN Infinity',
    });
    expect(replaceNonFiniteTokens('["x\\"NaN",NaN]')).toBe('["x\\"NaN",null]');
    expect(() => readJsonModel('{"a":')).toThrow(SyntaxError);
  });
});
