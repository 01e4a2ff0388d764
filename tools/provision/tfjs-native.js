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
// --gpu builds @tensorflow/tfjs-node-gpu the same way from the CUDA build of TensorFlow
// (the `tensorflow` wheel) and the NVIDIA CUDA 12 runtime wheels it declares, pinned with their
// sha256 in gpu-wheels.json. The CUDA libraries are staged beside TensorFlow's in the layout the
// wheel's own RUNPATH expects (deps/lib/../nvidia/<part>/lib), so they are found at run time
// without LD_LIBRARY_PATH. A GPU build runs on the CPU where no CUDA device is visible.
//
// Idempotent: when the addon loads already, it does nothing.
'use strict';
const cp = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

// pip selects these exact files whatever the local interpreter is.
const PIP_TARGET = ['--python-version', '3.11', '--only-binary=:all:',
  ...['manylinux_2_27_x86_64', 'manylinux2014_x86_64', 'manylinux_2_17_x86_64', 'manylinux2010_x86_64', 'manylinux_2_12_x86_64'].flatMap((p) => ['--platform', p])];
const CPU_WHEELS = [
  { name: 'tensorflow-cpu', version: '2.21.0', file: 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl', sha256: '2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c' },
];
const GPU = process.argv.includes('--gpu');
const FLAVOUR = GPU
  ? { pkg: '@tensorflow/tfjs-node-gpu', wheels: JSON.parse(fs.readFileSync(path.join(__dirname, 'gpu-wheels.json'), 'utf8')).wheels, size: 'about 3.9 GB' }
  : { pkg: '@tensorflow/tfjs-node', wheels: CPU_WHEELS, size: 'about 274 MB' };
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
    return path.dirname(require.resolve(`${FLAVOUR.pkg}/package.json`, { paths: [process.cwd()] }));
  } catch {
    fail(`${FLAVOUR.pkg} is not installed; run \`npm ci --ignore-scripts\` first`);
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

/** Free bytes on the file system that holds `dir` (statfs). */
function freeBytes(dir) {
  const st = fs.statfsSync(dir);
  return st.bavail * st.bsize;
}

/** Downloads (or takes from the cache) every wheel of the flavour, each checked against its pinned sha256. */
function fetchWheels(py) {
  const cacheDir = path.join(process.env.KDLAB_CACHE || path.join(os.homedir(), '.cache', 'kdlab'), 'wheels');
  fs.mkdirSync(cacheDir, { recursive: true });
  const missing = FLAVOUR.wheels.filter((w) => !(fs.existsSync(path.join(cacheDir, w.file)) && sha256(path.join(cacheDir, w.file)) === w.sha256));
  if (missing.length === 0) log(`using cached wheels in ${cacheDir}`);
  else {
    // The wheels, then their unpacked libraries: ask for room for both before starting.
    const need = GPU ? 9e9 : 1e9;
    if (freeBytes(cacheDir) < need) fail(`not enough free disk for the TensorFlow wheels: ${(freeBytes(cacheDir) / 1e9).toFixed(1)} GB free in ${cacheDir}, ${need / 1e9} GB needed (set KDLAB_CACHE to a larger disk)`);
    log(`downloading ${missing.map((w) => `${w.name}==${w.version}`).join(' ')} (${FLAVOUR.size} in all, cached in ${cacheDir})`);
    run(py, ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', ...PIP_TARGET, '-d', cacheDir, ...missing.map((w) => `${w.name}==${w.version}`)]);
  }
  for (const w of missing) {
    const file = path.join(cacheDir, w.file);
    if (!fs.existsSync(file)) fail(`pip did not produce ${w.file} for ${w.name}==${w.version}`);
    const got = sha256(file);
    if (got !== w.sha256) {
      fs.rmSync(file, { force: true });
      fail(`${w.file}: sha256 ${got} does not match the pinned ${w.sha256}; the file was removed`);
    }
  }
  if (missing.length) log('wheel sha256 verified');
  return FLAVOUR.wheels.map((w) => path.join(cacheDir, w.file));
}

function stageFromWheels(py, wheels, pkg) {
  const deps = path.join(pkg, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  const lib = path.join(deps, 'lib');
  fs.mkdirSync(lib, { recursive: true });
  // Python's zipfile is the one unzip we can count on wherever pip exists. From TensorFlow's
  // wheel: its two shared libraries and the C headers; from NVIDIA's: the whole nvidia/ tree
  // (libraries, and ptxas for kernels compiled at run time), as the wheels install it.
  const script = `
import sys, zipfile, os, shutil, stat
deps, prefixes, wheels = sys.argv[1], sys.argv[2].split(','), sys.argv[3:]
for wheel in wheels:
    z = zipfile.ZipFile(wheel)
    for info in z.infolist():
        name = info.filename
        if name.endswith('/'):
            continue
        if name in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'):
            dest = os.path.join(deps, 'lib', os.path.basename(name))
        elif name.startswith('tensorflow/include/') and any(name[len('tensorflow/include/'):].startswith(p) for p in prefixes):
            dest = os.path.join(deps, 'include', name[len('tensorflow/include/'):])
        elif name.startswith('nvidia/') and not name.endswith('.py') and '/include/' not in name:
            dest = os.path.join(deps, name)
        else:
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(info) as src, open(dest, 'wb') as out:
            shutil.copyfileobj(src, out, 1 << 22)
        mode = (info.external_attr >> 16) & 0o777
        if mode & 0o111:
            os.chmod(dest, os.stat(dest).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
`;
  run(py, ['-c', script, deps, HEADER_PREFIXES.join(','), ...wheels]);
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

// The one change kdlab makes to tfjs-node's binding source before compiling it: a string or type
// attribute given as an array is set as a list (TFE_OpSetAttrStringList, TFE_OpSetAttrTypeList). tfjs
// never passes one, so its own ops are unaffected; kdlab's kernels need them for TensorFlow's fused
// ops, whose `fused_ops` is a list(string) and `TArgs` a list(type) (libs/engine/src/kernels/conv-bias.ts).
// The anchors are tfjs-node 4.22.0's `case TF_ATTR_STRING:` and `case TF_ATTR_TYPE:` in
// binding/tfjs_backend.cc; if one moved, the build stops here rather than compiling a binding the
// kernels would probe and find lacking.
const BINDING_PATCH_VERSION = 1;
const BINDING_FILE = path.join('binding', 'tfjs_backend.cc');
const BINDING_MARK = '// kdlab (tools/provision/tfjs-native.js): an array sets a list';
const readList = (decl, read) => `      if (IsArray(env, nstatus, &js_value)) {
        ${BINDING_MARK} attribute.
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        ${decl}
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          ${read}
          ENSURE_NAPI_OK(env, nstatus);
        }
`;
const BINDING_PATCHES = [
  {
    anchor: '    case TF_ATTR_STRING: {\n',
    code: `    case TF_ATTR_STRING: {
${readList('std::vector<std::string> strings(length);', 'nstatus = GetStringParam(env, element, strings[i]);')}        std::vector<const void *> values(length);
        std::vector<size_t> lengths(length);
        for (uint32_t i = 0; i < length; ++i) {
          values[i] = strings[i].data();
          lengths[i] = strings[i].size();
        }
        TFE_OpSetAttrStringList(tfe_op, attr_name, values.data(), lengths.data(),
                                static_cast<int>(length));
        break;
      }
`,
  },
  {
    anchor: '    case TF_ATTR_TYPE: {\n',
    code: `    case TF_ATTR_TYPE: {
${readList('std::vector<TF_DataType> types(length);', 'nstatus = napi_get_value_int32(env, element, reinterpret_cast<int32_t *>(&types[i]));')}        TFE_OpSetAttrTypeList(tfe_op, attr_name, types.data(), static_cast<int>(length));
        break;
      }
`,
  },
];
const patchStamp = (pkg) => path.join(pkg, 'deps', 'kdlab-binding-patch.json');

function patchBinding(pkg) {
  const file = path.join(pkg, BINDING_FILE);
  let src = fs.readFileSync(file, 'utf8');
  if (!src.includes(BINDING_MARK)) {
    if (!src.includes('#include <vector>')) src = src.replace('#include <string>\n', '#include <string>\n#include <vector>\n');
    for (const { anchor, code } of BINDING_PATCHES) {
      const at = src.indexOf(anchor);
      if (at < 0 || src.indexOf(anchor, at + 1) >= 0) fail(`${file}: expected exactly one \`${anchor.trim()}\` to patch (list attributes); is tfjs-node still 4.22.0?`);
      src = src.slice(0, at) + code + src.slice(at + anchor.length);
    }
    fs.writeFileSync(file, src);
  }
  log('binding patched: string and type attributes accept a list');
}

function buildAddon(pkg) {
  patchBinding(pkg);
  const preGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: [pkg] });
  log('compiling the N-API binding against the staged TensorFlow C library');
  run(process.execPath, [preGyp, 'install', '--build-from-source', `--nodedir=${nodeDir()}`], { cwd: pkg });
  fs.writeFileSync(patchStamp(pkg), JSON.stringify({ patch: BINDING_PATCH_VERSION, file: BINDING_FILE }) + '\n');
}

/** A binding we built before the patch existed (or with another version of it) is rebuilt. */
function patchCurrent(pkg) {
  try {
    return JSON.parse(fs.readFileSync(patchStamp(pkg), 'utf8')).patch === BINDING_PATCH_VERSION;
  } catch {
    return false;
  }
}

/** What the GPU build was made from, for `kdlab env` and run provenance (CUDA and cuDNN versions). */
function writeGpuStamp(pkg) {
  const version = (name) => (FLAVOUR.wheels.find((w) => w.name === name) || {}).version;
  const stamp = { tensorflow: version('tensorflow'), cudaRuntime: version('nvidia-cuda-runtime-cu12'), cudnn: version('nvidia-cudnn-cu12'), cublas: version('nvidia-cublas-cu12'), wheels: FLAVOUR.wheels.map((w) => `${w.name}==${w.version}`) };
  fs.writeFileSync(path.join(pkg, 'deps', 'kdlab-gpu-build.json'), JSON.stringify(stamp, null, 2) + '\n');
}

function main() {
  if (process.env.KDLAB_SKIP_NATIVE === '1') return log('KDLAB_SKIP_NATIVE=1: skipped');
  const pkg = packageDir();
  const built = () => log(`${GPU ? 'tensorflow-gpu' : 'tensorflow'} backend already built`);
  const loads = addonLoads(pkg);
  if (loads && patchCurrent(pkg)) return built();
  let source = process.env.KDLAB_TFJS_SOURCE || 'auto';
  const py = python();
  if (source === 'auto') source = py && cp.spawnSync(py, ['-m', 'pip', '--version']).status === 0 ? 'wheel' : 'download';
  // tfjs-node's own download is a prebuilt binding: nothing to patch, and kdlab's kernels that need
  // list attributes probe, find it lacking and stay off. A wheel build without the current patch is rebuilt.
  if (loads && source !== 'wheel') return built();
  const started = Date.now();
  if (source === 'download' && GPU) fail('--gpu builds from the PyPI wheels only (tfjs-node-gpu\'s own download is libtensorflow 2.9.1 for CUDA 11.2)');
  if (source === 'download') {
    log("running tfjs-node's own install script (needs its download host)");
    run(process.execPath, [path.join(pkg, 'scripts', 'install.js')], { cwd: pkg });
  } else if (source === 'wheel') {
    if (!py) fail('KDLAB_TFJS_SOURCE=wheel needs python3 with pip');
    stageFromWheels(py, fetchWheels(py), pkg);
    buildAddon(pkg);
    if (GPU) writeGpuStamp(pkg);
  } else {
    fail(`KDLAB_TFJS_SOURCE=${source}: expected auto, wheel or download`);
  }
  if (!addonLoads(pkg)) fail(`the addon was built but ${FLAVOUR.pkg} still does not load; see the output above`);
  log(`${GPU ? 'tensorflow-gpu' : 'tensorflow'} backend ready (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (GPU && !fs.existsSync('/dev/nvidia0')) {
    log('no NVIDIA driver or device here (/dev/nvidia0): the GPU build runs every op on the CPU until one is installed (`npm run test:gpu` checks the build meanwhile)');
  }
}

main();
