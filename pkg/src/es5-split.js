/*
 * Splits the wasm2js module's functions over a few scripts, for Rhino's class compiler.
 *
 * Why: Rhino compiles a whole script into one JVM class, and a class has cumulative
 * limits (one constant pool of 65,535 entries, shared by every function of the script).
 * Past them, Rhino 1.7.14 silently falls back to its interpreter for the WHOLE script,
 * at every optimisation level. Each part built here is a script of its own, so each is
 * its own class and compiles (tests/rhino/compile-check.js asserts it).
 *
 * Shape of a part (each defines exactly one global, as a ServiceNow Script Include must):
 *
 *   var ExportGuardCore1 = function () {
 *     var $5, $9, wasm2js_trap, ...;      // what its functions use from elsewhere
 *     function $12(a, b) { ... } ...      // its share of the core's functions
 *     return { build: "<id>",             // the build it belongs to (checked)
 *              f: { $12: $12, ... },      // those that other scripts call
 *              link: function ($A) { $5 = $A.$5; ... } };
 *   };
 *
 * The main script keeps the rest of wasm2js's module (memory, tables, exports): it calls
 * each part, puts every exported function and every name the parts use into one object,
 * and links every part with it. Calls stay direct calls of local variables, as before.
 * Variables that the functions assign (the stack pointer `global$0` and wasm2js's i64
 * scratch) cannot be shared through closures across scripts: they become properties of
 * one object, `$G`, everywhere.
 */
'use strict';

const REF_SKIP = new Set(['label']);

/** Calls fn(identifierNode, parent, key) for each identifier in a reference position. */
function eachReference(node, fn, parent, key) {
  if (!node || typeof node.type !== 'string') return;
  if (node.type === 'Identifier') { fn(node, parent, key); return; }
  for (const k of Object.keys(node)) {
    if (REF_SKIP.has(k)) continue; // labels of labelled statements, break and continue
    if (k === 'property' && node.type === 'MemberExpression' && !node.computed) continue;
    if (k === 'key' && node.type === 'Property' && !node.computed) continue;
    const v = node[k];
    if (Array.isArray(v)) v.forEach((c, i) => eachReference(c, fn, v, i));
    else if (v && typeof v.type === 'string') eachReference(v, fn, node, k);
  }
}

/** The names a function declares itself: its parameters and its `var`s. */
function declared(fnNode) {
  const names = new Set(fnNode.params.map((p) => p.name));
  (function walk(n) {
    if (!n || typeof n.type !== 'string') return;
    if (n.type === 'VariableDeclarator') names.add(n.id.name);
    if (n.type === 'FunctionDeclaration' && n !== fnNode) { names.add(n.id.name); return; }
    if (n.type === 'FunctionExpression') return;
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach(walk); else if (v && typeof v.type === 'string') walk(v);
    }
  })(fnNode.body);
  return names;
}

/** The identifiers a function uses but does not declare. */
function freeNames(fnNode) {
  const own = declared(fnNode);
  const free = new Set();
  eachReference(fnNode.body, (id) => { if (!own.has(id.name)) free.add(id.name); });
  return free;
}

/** Names assigned (=, op=, ++, --) anywhere under node. */
function assignedNames(node, out) {
  (function walk(n) {
    if (!n || typeof n.type !== 'string') return;
    if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier') out.add(n.left.name);
    if (n.type === 'UpdateExpression' && n.argument.type === 'Identifier') out.add(n.argument.name);
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach(walk); else if (v && typeof v.type === 'string') walk(v);
    }
  })(node);
  return out;
}

const id = (name) => ({ type: 'Identifier', name });
const member = (obj, name) => ({ type: 'MemberExpression', object: id(obj), property: id(name), computed: false, optional: false });

/**
 * Moves the core's functions out of `asmFunc` into `count` parts.
 * @param {object} ast      the transformed wasm2js module (acorn AST), changed in place
 * @param {Set<string>} outer names the scripts' shared scope provides (runtime, image)
 * @param {object} opts     { count, globalName(i), buildId }
 * @returns {{ parts: string[], stats: object }} the parts' source (not minified)
 */
function split(ast, astring, outer, opts) {
  const asm = ast.body.find((n) => n.type === 'FunctionDeclaration' && n.id.name === 'asmFunc');
  if (!asm) throw new Error('es5-split: no asmFunc in the wasm2js output');
  const body = asm.body.body;
  // The core's own functions: wasm2js names them $0, $1, ...; its helpers stay behind.
  const movable = body.filter((n) => n.type === 'FunctionDeclaration' && /^\$\d+$/.test(n.id.name));
  if (movable.length < opts.count * 10) throw new Error(`es5-split: only ${movable.length} functions to split`);
  const moved = new Set(movable.map((f) => f.id.name));

  // Names the shell (asmFunc's scope) declares: its vars and its remaining functions.
  const shellNames = new Set();
  for (const n of body) {
    if (n.type === 'VariableDeclaration') n.declarations.forEach((d) => shellNames.add(d.id.name));
    if (n.type === 'FunctionDeclaration' && !moved.has(n.id.name)) shellNames.add(n.id.name);
  }
  shellNames.add('imports');

  // Mutable shared state: shell variables that any function (moved or not) assigns.
  const assigned = assignedNames(asm.body, new Set());
  const shared = new Set([...assigned].filter((n) => shellNames.has(n) && !moved.has(n)));

  // Partition in order, by source length (neighbours call each other most).
  const sizes = movable.map((f) => f.end - f.start);
  const total = sizes.reduce((a, b) => a + b, 0);
  const groups = [];
  let acc = 0, cur = [];
  movable.forEach((f, i) => {
    cur.push(f);
    acc += sizes[i];
    if (acc >= (total * (groups.length + 1)) / opts.count && groups.length < opts.count - 1) {
      groups.push(cur);
      cur = [];
    }
  });
  groups.push(cur);

  const home = new Map();
  groups.forEach((g, p) => g.forEach((f) => home.set(f.id.name, p)));
  const frees = groups.map((g) => {
    const s = new Set();
    for (const f of g) for (const n of freeNames(f)) s.add(n);
    return s;
  });

  // Rewrite the shared mutable variables to $G.name, in the parts and in the shell.
  const toG = (root) => eachReference(root, (node, parent, key) => {
    if (shared.has(node.name)) parent[key] = member('$G', node.name);
  });
  for (const f of movable) toG(f.body);
  const newBody = [];
  for (const n of body) {
    if (n.type === 'FunctionDeclaration' && moved.has(n.id.name)) continue;
    if (n.type === 'VariableDeclaration') {
      // `var global$0 = 1048576;` -> `$G.global$0 = 1048576;` (the others stay vars)
      for (const d of n.declarations) if (d.init) toG(d.init);
      const sets = n.declarations.filter((d) => shared.has(d.id.name));
      n.declarations = n.declarations.filter((d) => !shared.has(d.id.name));
      if (n.declarations.length) newBody.push(n);
      for (const d of sets) {
        newBody.push({ type: 'ExpressionStatement', expression: { type: 'AssignmentExpression', operator: '=',
          left: member('$G', d.id.name), right: d.init || id('undefined') } });
      }
      continue;
    }
    if (n.type !== 'FunctionDeclaration') toG(n); else toG(n.body);
    newBody.push(n);
  }

  // What each part exports: its functions that the shell or another part uses.
  const usedOutside = new Set();
  frees.forEach((s, p) => s.forEach((n) => { if (moved.has(n) && home.get(n) !== p) usedOutside.add(n); }));
  const shellFree = new Set();
  for (const n of newBody) eachReference(n, (node) => { if (moved.has(node.name)) shellFree.add(node.name); });
  shellFree.forEach((n) => usedOutside.add(n));

  // Names the parts take from the shell or the outer scope ($M, $ld_HEAPU8, helpers, ...).
  const fromShell = new Set();
  frees.forEach((s) => s.forEach((n) => {
    if (!shared.has(n) && !moved.has(n) && (shellNames.has(n) || outer.has(n))) fromShell.add(n);
  }));
  fromShell.add('$G');

  const parts = groups.map((g, p) => {
    const imports = [...frees[p]].filter((n) => n === '$G' || (!shared.has(n) &&
      ((moved.has(n) && home.get(n) !== p) || shellNames.has(n) || outer.has(n))));
    if (!imports.includes('$G') && [...frees[p]].some((n) => shared.has(n))) imports.push('$G');
    const exported = g.map((f) => f.id.name).filter((n) => usedOutside.has(n));
    const fns = g.map((f) => astring.generate(f)).join('\n');
    return `var ${opts.globalName(p)} = function () {\n` +
      (imports.length ? `var ${imports.join(', ')};\n` : '') +
      `${fns}\nreturn { build: ${JSON.stringify(opts.buildId)}, f: { ${exported.map((n) => `${JSON.stringify(n)}: ${n}`).join(', ')} },\n` +
      `link: function ($A) { ${imports.map((n) => `${n} = $A[${JSON.stringify(n)}];`).join(' ')} } };\n};\n`;
  });

  // The shell: before FUNCTION_TABLE (the first statement that needs the functions),
  // call the parts and bind what the shell uses; link the parts just before `return`.
  // Parts of another build would call the wrong functions: refused, with what to do.
  const check = groups.map((_, p) => `if ($parts[${p}].build !== ${JSON.stringify(opts.buildId)}) throw new Error(` +
    `${JSON.stringify(`export-guard: the Script Include ${opts.globalName(p)} is from another build than ExportGuard ` +
    `(build ${opts.buildId}); replace every ExportGuard Script Include with the files of one build`)});`).join('\n');
  const glue = `var $parts = [${groups.map((_, p) => `${opts.globalName(p)}()`).join(', ')}], $A = {};\n` + check + '\n' +
    'for (var $p = 0; $p < $parts.length; $p++) for (var $k in $parts[$p].f) $A[$k] = $parts[$p].f[$k];\n' +
    [...shellFree].map((n) => `var ${n} = $A[${JSON.stringify(n)}];`).join('\n');
  const link = [...fromShell].map((n) => `$A[${JSON.stringify(n)}] = ${n};`).join('\n') +
    '\nfor ($p = 0; $p < $parts.length; $p++) $parts[$p].link($A);';
  const parse = (text) => require('acorn').parse(text, { ecmaVersion: 5 }).body;
  const firstUse = newBody.findIndex((n) => n.type !== 'FunctionDeclaration' && n.type !== 'VariableDeclaration' ||
    (n.type === 'VariableDeclaration' && n.declarations.some((d) => d.init && mentionsAny(d.init, moved))));
  const ret = newBody.findIndex((n) => n.type === 'ReturnStatement');
  if (firstUse < 0 || ret < 0 || firstUse > ret) throw new Error('es5-split: the module shell does not have the expected shape');
  newBody.splice(ret, 0, ...parse(link));
  newBody.splice(firstUse, 0, ...parse(glue));
  asm.body.body = newBody;
  return {
    parts,
    stats: { functions: movable.length, parts: groups.map((g) => g.length), shared: [...shared],
      exported: usedOutside.size, fromShell: fromShell.size },
  };
}

function mentionsAny(root, names) {
  let found = false;
  eachReference(root, (n) => { if (names.has(n.name)) found = true; });
  return found;
}

module.exports = { split, freeNames, eachReference };
