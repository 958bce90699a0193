'use strict';
// pkg/index.d.ts against the core's declared options (src/api/schema.rs, published by
// operations()): for every operation, the `options` parameter (and a `policy` one) must
// declare exactly the keys the core accepts, each with the type the schema gives. The
// TypeScript checker resolves the declared types (`extends`, `Omit`, intersections), so
// an interface that inherits a key counts. Each mismatch is named.

const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const ts = require('typescript');
const eg = require('..');

const DTS = path.join(__dirname, '..', 'index.d.ts');

/** Every overload of each exported function, by name. */
function declarations() {
  const program = ts.createProgram([DTS], { strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const byName = new Map();
  for (const node of program.getSourceFile(DTS).statements) {
    if (ts.isFunctionDeclaration(node) && node.name) {
      const list = byName.get(node.name.text) || [];
      list.push(node);
      byName.set(node.name.text, list);
    }
  }
  return { checker, byName };
}

/** The keys of parameter `name` as the d.ts declares them: key → type text. */
function declaredKeys(checker, overloads, name) {
  const params = overloads.map((f) => f.parameters.find((p) => p.name.getText() === name)).filter(Boolean);
  if (params.length === 0) return null;
  // The overload that takes the parameter as optional is the general one.
  const param = params.find((p) => p.questionToken) || params[0];
  const type = checker.getNonNullableType(checker.getTypeFromTypeNode(param.type));
  const keys = new Map();
  for (const prop of checker.getPropertiesOfType(type)) {
    const decl = (prop.declarations || []).find((d) => d.type);
    keys.set(prop.name, decl ? decl.type.getText().replace(/\s+/g, ' ') : '?');
  }
  return keys;
}

/** What differs between the schema's keys and the declared ones, in words. */
function differences(op, param, schema, declared) {
  const out = [];
  if (!declared) return [`${op}: pkg/index.d.ts declares no ${param} parameter, the core reads ${schema.length} keys`];
  const want = new Map(schema.map((k) => [k.key, k.type]));
  for (const [k, t] of want) {
    if (!declared.has(k)) out.push(`${op}(${param}): ${k} (${t}) is accepted by the core but not declared`);
    else if (declared.get(k) !== t) out.push(`${op}(${param}): ${k} is declared ${declared.get(k)}, the schema says ${t}`);
  }
  for (const k of declared.keys()) {
    if (!want.has(k)) out.push(`${op}(${param}): ${k} is declared but the core refuses it as unknown`);
  }
  return out;
}

test('the declared options of every operation are the core\'s', () => {
  const { checker, byName } = declarations();
  const problems = [];
  let checked = 0;
  for (const op of eg.operations()) {
    const overloads = byName.get(op.name) || [];
    for (const param of ['options', 'policy']) {
      const schema = op[param];
      if (!schema) continue;
      checked += 1;
      problems.push(...differences(op.name, param, schema, declaredKeys(checker, overloads, param)));
    }
  }
  assert.ok(checked >= 15, `only ${checked} option schemas were published`);
  assert.deepStrictEqual(problems, []);
});

test('a mismatch is found and named', () => {
  const schema = [{ key: 'a', type: 'string' }, { key: 'b', type: 'number' }];
  const declared = new Map([['a', 'number'], ['c', 'boolean']]);
  assert.deepStrictEqual(differences('op', 'options', schema, declared), [
    'op(options): a is declared number, the schema says string',
    'op(options): b (number) is accepted by the core but not declared',
    'op(options): c is declared but the core refuses it as unknown',
  ]);
});

/** The errors a call answers: a throw's, or a decision's (decisions never throw). */
function errorsOf(name, args) {
  try {
    const out = eg[name](...args);
    return (out && out.errors) || [];
  } catch (e) {
    if (!(e instanceof eg.ExportGuardError)) throw e;
    return e.errors;
  }
}

test('every published key is accepted and any other is refused', () => {
  // The readers check against the same lists: started from a shared vector's good call,
  // a key the schema names is never "unknown", and a key it does not name is.
  const fs = require('fs');
  const dir = path.join(__dirname, '..', '..', 'tests', 'vectors');
  const good = new Map();
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    for (const c of JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).cases) {
      const ok = c.expect && (c.expect.ok || c.expect.okSubset);
      if (ok && !(ok.action === 'reject') && !good.has(c.op)) good.set(c.op, c.args);
    }
  }
  const unknown = (errors, key) => errors.some((e) => e.field === `options.${key}` && /unknown field/.test(e.message));
  let checked = 0;
  const ignored = [];
  for (const op of eg.operations()) {
    if (!op.options) continue;
    const at = op.params.indexOf('options');
    assert.ok(at >= 0, `${op.name} publishes options but takes none`);
    assert.ok(good.has(op.name), `no shared vector calls ${op.name} successfully`);
    const args = JSON.parse(JSON.stringify(good.get(op.name)));
    while (args.length <= at) args.push(null);
    const base = args[at] || {};
    args[at] = { ...base, notAnOption: 1 };
    assert.ok(unknown(errorsOf(op.name, args), 'notAnOption'), `${op.name} does not refuse an unknown option`);
    for (const k of op.options) {
      args[at] = { ...base, [k.key]: { wrong: true } };
      const errors = errorsOf(op.name, args);
      assert.ok(!unknown(errors, k.key), `${op.name} refuses its own option ${k.key} as unknown`);
      // No option takes an object with a key `wrong`: each one the schema accepts is read
      // and checked, even by an operation that does not use it, so that one options
      // object means the same to every operation that takes it.
      const field = `options.${k.key}`;
      if (!errors.some((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`))) {
        ignored.push(`${op.name}: options.${k.key}`);
      }
    }
    checked += 1;
  }
  assert.ok(checked >= 15, `${checked} operations checked`);
  assert.deepStrictEqual(ignored, [], 'options accepted but never checked (a wrong value passes unseen)');
});
