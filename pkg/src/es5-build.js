#!/usr/bin/env node
// Builds pkg/servicenow/ExportGuard.js: the Rust core as one ES5 script with no
// WebAssembly and no typed arrays, for ServiceNow (Rhino).
//
//   node pkg/src/es5-build.js <wasm2js-output.js> <out.js>
//
// Input: wasm2js output of the core built with `--features es5`. The transform:
//  1. parses it (acorn) and rewrites every typed-array access HEAPxx[i] (read or write)
//     into a call of es5-runtime.js, which keeps memory in a plain array of words with
//     explicit little-endian byte order;
//  2. replaces the ArrayBuffer / typed-array constructions, the data-segment decoder,
//     memory growth and the bit-reinterpretation scratch helpers;
//  3. maps Math.imul / clz32 / fround / trunc to runtime versions with fallbacks, and
//     memory.copy / memory.fill (wasm2js uses copyWithin, which Rhino lacks) to word-wise ones;
//  4. wraps runtime + core + pkg/src/contract.js into `var ExportGuard = (function(){...})()`,
//     minifies to ES5 (esbuild), and checks the result parses as ES5 and uses none of the
//     globals ServiceNow disallows.
'use strict';
const fs = require('fs');
const path = require('path');
const acorn = require('acorn');
const astring = require('astring');
const esbuild = require('esbuild');

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: es5-build.js <wasm2js-output.js> <out.js>');
  process.exit(2);
}

const HEAPS = new Set(['HEAP8', 'HEAP16', 'HEAP32', 'HEAPU8', 'HEAPU16', 'HEAPU32', 'HEAPF32', 'HEAPF64']);
const TYPED = new Set(['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
  'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']);
const FORBIDDEN = new Set([...TYPED, 'Promise', 'Proxy', 'Reflect', 'WeakMap', 'WeakSet', 'globalThis', 'BigInt',
  'Symbol', 'TextEncoder', 'TextDecoder', 'Intl', 'WebAssembly']);
const MATH = { imul: '$imul', clz32: '$clz32', fround: '$fround', trunc: '$trunc' };
// wasm2js helpers whose bodies are replaced by runtime calls (name -> [params, body]).
const HELPERS = {
  wasm2js_scratch_load_i32: ['index', 'return $scratch_load_i32(index);'],
  wasm2js_scratch_store_i32: ['index, value', '$scratch_store_i32(index, value);'],
  wasm2js_scratch_load_f32: ['', 'return $scratch_load_f32();'],
  wasm2js_scratch_store_f32: ['value', '$scratch_store_f32(value);'],
  wasm2js_scratch_load_f64: ['', 'return $scratch_load_f64();'],
  wasm2js_scratch_store_f64: ['value', '$scratch_store_f64(value);'],
  base64DecodeToExistingUint8Array: ['uint8Array, offset, b64',
    'throw new Error("export-guard: a data segment was not folded into the memory image");'],
  __wasm_memory_grow: ['pagesToAdd', 'return $memGrow(pagesToAdd | 0);'],
  __wasm_memory_size: ['', 'return $memPages();'],
  wasm2js_memory_copy: ['dest, source, size', '$memCopy(dest, source, size);'],
  wasm2js_memory_fill: ['dest, value, size', '$memFill(dest, value, size);'],
};

const here = __dirname;
const src = fs.readFileSync(input, 'utf8');
const ast = acorn.parse(src, { ecmaVersion: 'latest', sourceType: 'module' });

function parseBody(params, body) {
  return acorn.parse(`function f(${params}) { ${body} }`, { ecmaVersion: 5 }).body[0].body;
}
function call(name, args) {
  return { type: 'CallExpression', callee: { type: 'Identifier', name }, arguments: args, optional: false };
}

const counts = {};
function count(k) { counts[k] = (counts[k] || 0) + 1; }

// Generic post-order rewrite: fn(node) returns a replacement or undefined. A heap
// store is turned into a call before its left side is visited (else it would read).
function rewrite(node, fn) {
  if (!node || typeof node.type !== 'string') return node;
  if (node.type === 'AssignmentExpression' && isHeap(node.left)) {
    if (node.operator !== '=') throw new Error(`unsupported compound heap assignment ${node.operator}`);
    count('store');
    const index = rewrite(node.left.property, fn), value = rewrite(node.right, fn);
    return inlineStore(node.left.object.name, index, value) || call(`$st_${node.left.object.name}`, [index, value]);
  }
  for (const key of Object.keys(node)) {
    const v = node[key];
    if (Array.isArray(v)) node[key] = v.map((c) => (c && typeof c.type === 'string' ? rewrite(c, fn) : c));
    else if (v && typeof v.type === 'string') node[key] = rewrite(v, fn);
  }
  const r = fn(node);
  return r === undefined ? node : r;
}

// 32-bit loads and stores (80% of all accesses) are inlined on a function-local alias
// of the word array (`$m`): a call or a closure lookup per access costs about 4x more
// in Rhino's interpreter, and a decide with 100 jobs runs 15-30% faster so. Byte and
// float accesses stay calls (inlining bytes grew the script 12% for no clear gain).
const id = (name) => ({ type: 'Identifier', name });
const lit = (value) => ({ type: 'Literal', value, raw: String(value) });
const bin = (operator, left, right) => ({ type: 'BinaryExpression', operator, left, right });
const mem = (index) => ({ type: 'MemberExpression', object: id('$m'), property: index, computed: true, optional: false });
function inlineLoad(name, index) {
  // Every word in $M is an int32 already: stores coerce (`v | 0`) and memory grows
  // zero-filled, so a signed load needs no coercion of its own.
  if (name === 'HEAP32') return mem(index);
  if (name === 'HEAPU32') return bin('>>>', mem(index), lit(0));
  return null;
}
function inlineStore(name, index, value) {
  if (name !== 'HEAP32' && name !== 'HEAPU32') return null;
  return { type: 'AssignmentExpression', operator: '=', left: mem(index), right: bin('|', value, lit(0)) };
}

const isHeap = (n) => n.type === 'MemberExpression' && n.computed && n.object.type === 'Identifier' && HEAPS.has(n.object.name);

// 1. Module syntax: drop the import, unwrap exports. `var retasmFunc = asmFunc(...)` makes
// the instance and `var eg_call = retasmFunc.eg_call` (one per export) binds its
// exports: after a trap, $resetCore (in the glue below) runs both again.
const exportNames = ast.body.filter((n) => n.type === 'ExportNamedDeclaration')
  .map((n) => n.declaration.declarations[0].id.name);
ast.body = ast.body.filter((n) => n.type !== 'ImportDeclaration')
  .map((n) => (n.type === 'ExportNamedDeclaration' ? n.declaration : n));
const instantiation = ast.body.find((n) => n.type === 'VariableDeclaration' && n.declarations[0].id.name === 'retasmFunc');
if (!instantiation || !exportNames.includes('eg_call') || !exportNames.includes('eg_trap')) {
  throw new Error('es5-build: expected `var retasmFunc = asmFunc(...)` and the exports eg_call, eg_trap');
}

// 1b. Data segments: fold wasm2js's base64 segments (all in initActiveSegments) into one
// memory image, written as runs of whole words in base 85 (see $writeWords85).
const segments = [];
for (const fn of ast.body) {
  if (fn.type !== 'FunctionDeclaration' || fn.id.name !== 'initActiveSegments') continue;
  fn.body.body = fn.body.body.filter((st) => {
    const c = st.type === 'ExpressionStatement' && st.expression;
    if (!c || c.type !== 'CallExpression' || c.callee.name !== 'base64DecodeToExistingUint8Array') return true;
    const [, off, b64] = c.arguments;
    if (off.type !== 'Literal' || b64.type !== 'Literal') throw new Error('a data segment with a non-literal offset or text');
    segments.push([off.value, Buffer.from(b64.value, 'base64')]);
    return false;
  });
  fn.body.body.push(...acorn.parse('$writeImage();', { ecmaVersion: 5 }).body);
}
if (!segments.length) throw new Error('no data segments found in initActiveSegments');
const image = memoryImage(segments);

// 1c. Helpers first (wasm2js declares them inside asmFunc), so that what their old
// bodies constructed is never seen below. Each must be replaced exactly once; the memory
// helpers must be there at all (without them, wasm2js's own bodies, with typed arrays
// and copyWithin, would be left).
const replaced = {};
(function replaceHelpers(node) {
  if (!node || typeof node.type !== 'string') return;
  if (node.type === 'FunctionDeclaration' && HELPERS[node.id.name]) {
    const [params, body] = HELPERS[node.id.name];
    replaced[node.id.name] = (replaced[node.id.name] || 0) + 1;
    node.params = params ? params.split(',').map((p) => ({ type: 'Identifier', name: p.trim() })) : [];
    node.body = parseBody(params, body);
    return;
  }
  for (const k of Object.keys(node)) {
    const v = node[k];
    if (Array.isArray(v)) v.forEach(replaceHelpers); else if (v && typeof v.type === 'string') replaceHelpers(v);
  }
})(ast);
for (const [name, n] of Object.entries(replaced)) {
  if (n !== 1) throw new Error(`es5-build: the helper ${name} was replaced ${n} times (expected once)`);
  count('helper ' + name);
}
for (const name of ['__wasm_memory_grow', '__wasm_memory_size', 'wasm2js_memory_copy', 'wasm2js_memory_fill']) {
  if (!replaced[name]) throw new Error(`es5-build: the helper ${name} was not found in the wasm2js output`);
}

// The typed-array constructions wasm2js writes, and what becomes of them. Anything else
// stops the build: an unknown one would leave a typed array in the ServiceNow script,
// or a view of memory that the runtime's word array does not back.
const VIEWS_OF = new Set(['buffer', 'scratchBuffer']);
function typedConstruction(n) {
  const [arg] = n.arguments;
  const name = n.callee.name;
  if (name === 'ArrayBuffer' && n.arguments.length === 1 && arg.type === 'Literal' && typeof arg.value === 'number') {
    return arg.value > 64 ? call('$memInit', n.arguments) : { type: 'ArrayExpression', elements: [] };
  }
  if (name !== 'ArrayBuffer' && n.arguments.length === 1 && arg.type === 'Identifier' && VIEWS_OF.has(arg.name)) {
    return { type: 'ArrayExpression', elements: [] }; // a view: its accesses become runtime calls
  }
  if (name === 'Uint8Array' && n.arguments.length === 1 && arg.type === 'Literal') {
    return { type: 'ArrayExpression', elements: [] }; // the base64 decoder's lookup table
  }
  throw new Error(`es5-build: an unrecognised typed-array construction: ${astring.generate(n)}`);
}

rewrite(ast, (n) => {
  // 2. Heap reads (stores are handled in rewrite itself).
  if (isHeap(n)) {
    count('load');
    return inlineLoad(n.object.name, n.property) || call(`$ld_${n.object.name}`, [n.property]);
  }
  // 3. Typed-array construction: memory goes to the runtime, views disappear.
  if (n.type === 'NewExpression' && n.callee.type === 'Identifier' && TYPED.has(n.callee.name)) {
    count('new ' + n.callee.name);
    return typedConstruction(n);
  }
  // 4. Math.imul & co.
  if (n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier' && n.object.name === 'Math' && MATH[n.property.name]) {
    count('Math.' + n.property.name);
    return { type: 'Identifier', name: MATH[n.property.name] };
  }
  return undefined;
});

if (!counts['new ArrayBuffer'] || !counts.load || !counts.store) {
  throw new Error(`the wasm2js output did not have the expected shape: ${JSON.stringify(counts)}`);
}

// Give every function that touches memory its local alias of the word array. ($M is
// created once by $memInit and only ever grows in place, so the alias stays valid.)
rewrite(ast, (n) => {
  if (n.type === 'FunctionDeclaration' && n.id.name !== 'asmFunc' && mentions(n.body, '$m')) {
    n.body.body.unshift({ type: 'VariableDeclaration', kind: 'var',
      declarations: [{ type: 'VariableDeclarator', id: id('$m'), init: id('$M') }] });
    count('alias');
  }
  return undefined;
});
/**
 * Lays the segments out in memory and cuts the result into runs of words, splitting at
 * stretches of 8 or more zero words (memory starts zeroed; shorter ones cost '!' each). Returns the text of a
 * `$writeImage` function for the runtime.
 */
function memoryImage(segs) {
  const lo = Math.min(...segs.map(([o]) => o)) & ~3;
  const hi = (Math.max(...segs.map(([o, b]) => o + b.length)) + 3) & ~3;
  const bytes = Buffer.alloc(hi - lo);
  for (const [o, b] of segs) b.copy(bytes, o - lo);
  const words = [];
  for (let i = 0; i < bytes.length; i += 4) words.push(bytes.readUInt32LE(i));
  const runs = [];
  let start = -1, zeros = 0;
  for (let i = 0; i <= words.length; i++) {
    const w = i < words.length ? words[i] : 0;
    if (w !== 0) {
      if (start < 0) start = i;
      zeros = 0;
    } else if (start >= 0 && (++zeros >= 8 || i === words.length)) {
      runs.push([start, i - zeros + 1]);
      start = -1;
      zeros = 0;
    }
  }
  const text = (from, to) => {
    let out = '';
    for (let i = from; i < to; i++) {
      let w = words[i];
      if (w === 0) { out += '!'; continue; }
      const d = [];
      for (let k = 0; k < 5; k++) { d.push(w % 85); w = Math.floor(w / 85); }
      out += d.reverse().map((x) => (x + 35 === 92 ? '~' : String.fromCharCode(x + 35))).join('');
    }
    return out;
  };
  // At most 8,000 words (40,000 characters) per literal: Rhino's class compiler (-opt 0..9)
  // keeps string constants under the JVM's 64 KB limit.
  const calls = [];
  for (const [a, b] of runs) {
    for (let c = a; c < b; c += 8000) calls.push(`$writeWords85(${(lo >> 2) + c}, "${text(c, Math.min(b, c + 8000))}");`);
  }
  const stats = { segments: segs.length, bytes: segs.reduce((t, [, b]) => t + b.length, 0), runs: runs.length,
    words: runs.reduce((t, [a, b]) => t + b - a, 0) };
  return { code: `function $writeImage() {\n${calls.join('\n')}\n}\n`, stats };
}

function mentions(root, name) {
  let found = false;
  (function walk(n) {
    if (found || !n || typeof n.type !== 'string') return;
    if (n.type === 'Identifier' && n.name === name) { found = true; return; }
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach(walk); else if (v && typeof v.type === 'string') walk(v);
    }
  })(root);
  return found;
}

const runtime = fs.readFileSync(path.join(here, 'es5-runtime.js'), 'utf8');

// 5. The core's functions go to PARTS scripts of their own (see es5-split.js: Rhino's
// class compiler gives up on one script this big and interprets all of it).
const PARTS = Number(process.env.EXPORT_GUARD_ES5_PARTS || 3);
const partName = (p) => `ExportGuardCore${p + 1}`;
const outerNames = new Set();
for (const n of acorn.parse(runtime + '\n' + image.code, { ecmaVersion: 5 }).body) {
  if (n.type === 'FunctionDeclaration') outerNames.add(n.id.name);
  if (n.type === 'VariableDeclaration') n.declarations.forEach((d) => outerNames.add(d.id.name));
}
// ... and what the wasm2js module declares outside asmFunc (its memory helpers).
for (const n of ast.body) {
  if (n.type === 'FunctionDeclaration' && n.id.name !== 'asmFunc') outerNames.add(n.id.name);
  if (n.type === 'VariableDeclaration') n.declarations.forEach((d) => outerNames.add(d.id.name));
}
if (!outerNames.has('$G')) throw new Error('es5-build: es5-runtime.js must declare $G (the shared mutable globals)');
const { parts, stats: splitStats } = require('./es5-split.js').split(ast, astring, outerNames, { count: PARTS, globalName: partName,
    buildId: require('crypto').createHash('sha256').update(src).digest('hex').slice(0, 12) });

const core = astring.generate(ast);
const contract = fs.readFileSync(path.join(here, 'contract.js'), 'utf8') + '\n' +
  fs.readFileSync(path.join(here, 'driver.js'), 'utf8');
// rawCall lives in es5-runtime.js; the core's exports (eg_input, eg_call, ...) are
// plain functions of this same scope once the module syntax is unwrapped.
// A fresh instance runs asmFunc again: new memory from the image, new globals, and new
// closures of the parts (linked to the new memory).
const glue = `function $resetCore() {\n  retasmFunc = ${astring.generate(instantiation.declarations[0].init)};\n` +
  exportNames.map((n) => `  ${n} = retasmFunc.${n};\n`).join('') + '}\n' +
  'var api = createExportGuard(rawCall, function () { return new Date().getTime(); },\n' +
  '  { reset: $resetCore, trap: function () { eg_trap(); } });\n' +
  'api.Driver = createDriver(api);\nreturn api;\n';

// The operation names come from the core's table, through the Node build that
// ./build.sh wrote just before this step.
const { call: nodeCall } = require(path.join(here, '..', 'node', 'export_guard.js'));
const table = JSON.parse(nodeCall('operations', '[]', Date.now())).ok;
if (!Array.isArray(table) || !table.length) throw new Error('es5-build: the core listed no operations');
const names = table.map((op) => op.name).concat(['ExportGuardError', 'PreparedJobs', 'QueueHandle', 'Driver']);
function wrapNames(list) {
  const lines = [''];
  for (const n of list) {
    const last = lines.length - 1;
    if (lines[last] && (lines[last] + ', ' + n).length > 80) lines.push(n);
    else lines[last] = lines[last] ? lines[last] + ', ' + n : n;
  }
  return lines.join(',\n *   ');
}
const banner = `/*
 * ExportGuard for ServiceNow: the export-guard Rust core compiled to ES5 (wasm2js and a
 * typed-array-free transform). GENERATED by ./build.sh from the export-guard sources: do
 * not edit. Defines one global, ExportGuard, with:
 *   ${wrapNames(names)}
 * Time zones: every IANA zone, each from 1970 on (ExportGuard.timeZones(), tzdata()).
 */
`;
const wrapped = `var ExportGuard = (function () {\n${runtime}\n${image.code}\n${core}\n${contract}\n${glue}\n})();\n`;

/**
 * Minifies one script and checks it: ES5 syntax, none of the globals ServiceNow
 * disallows, and exactly one global (`name`) defined, as a Script Include must.
 */
function finish(text, name, head) {
  const min = esbuild.transformSync(text, { minify: true, target: 'es5', legalComments: 'none' });
  // esbuild's iife wrapper would hide the global: the code stays a plain script.
  const code = head + min.code;
  const checked = acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' });
  const top = checked.body;
  if (top.length !== 1 || top[0].type !== 'VariableDeclaration' || top[0].declarations.length !== 1 ||
      top[0].declarations[0].id.name !== name) {
    throw new Error(`es5-build: the script must define exactly one global, ${name}, and nothing else at its top level; found ` +
      top.map((n) => n.type + (n.declarations ? ' ' + n.declarations.map((d) => d.id.name).join(',') : '')).join('; '));
  }
  const used = new Set();
  rewrite(checked, (n) => {
    if (n.type === 'Identifier' && FORBIDDEN.has(n.name)) used.add(n.name);
    return undefined;
  });
  if (used.size) throw new Error(`the ES5 build (${name}) still uses disallowed globals: ${[...used].join(', ')}`);
  return code;
}

const code = finish(wrapped, 'ExportGuard', banner);
const partFiles = parts.map((text, p) => {
  const name = partName(p);
  const head = `/*\n * ${name}: part ${p + 1} of ${parts.length} of the export-guard core for ServiceNow, used by the\n` +
    ' * ExportGuard Script Include. GENERATED by ./build.sh: do not edit. Defines one global.\n */\n';
  return [path.join(path.dirname(output), `${name}.js`), finish(text, name, head)];
});

fs.mkdirSync(path.dirname(output), { recursive: true });
// Parts of an earlier build with more parts would be loaded too (tests, the page): gone.
for (const f of fs.readdirSync(path.dirname(output))) {
  if (/^ExportGuardCore\d+\.js$/.test(f)) fs.unlinkSync(path.join(path.dirname(output), f));
}
fs.writeFileSync(output, code);
for (const [file, text] of partFiles) fs.writeFileSync(file, text);
// One file with every script, for hosts that take a single <script> (browsers).
fs.writeFileSync(output.replace(/\.js$/, '.all.js'), partFiles.map(([, t]) => t).join('\n') + '\n' + code);
console.log(`split: ${splitStats.functions} functions into parts of ${splitStats.parts.join(' / ')}; ` +
  `${splitStats.exported} called across scripts; shared through $G: ${splitStats.shared.join(', ')}`);
for (const [file, text] of partFiles) console.log(`wrote ${file}: ${text.length} bytes`);
console.log(`memory image: ${image.stats.segments} segments, ${image.stats.bytes} bytes -> ` +
  `${image.stats.runs} runs, ${image.stats.words} words`);
console.log(`wrote ${output}: ${code.length} bytes; rewrote ${counts.load} loads, ${counts.store} stores; ` +
  Object.keys(counts).filter((k) => k !== 'load' && k !== 'store').map((k) => `${k} ×${counts[k]}`).join(', '));
