'use strict';
// The ServiceNow update set (pkg/servicenow/export-guard.update-set.xml, written by
// ./build.sh through pkg/src/update-set.js): well-formed, in the shape an instance
// exports, every record with the fields its table needs, stable sys_ids, and every field
// the runner writes defined. The Rhino end-to-end test installs the build from it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { XMLParser, XMLValidator } = require('fast-xml-parser');

const dir = path.join(__dirname, '..', 'servicenow');
const file = path.join(dir, 'export-guard.update-set.xml');
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: false,
  isArray: (name) => name === 'sys_update_xml' });

/** The fields each table's records must carry (and the values some must have). */
const NEEDS = {
  sys_script_include: { name: null, api_name: null, script: null, sys_id: null, access: 'public', active: 'true', client_callable: 'false' },
  sys_db_object: { name: null, label: null, sys_id: null },
  sys_dictionary: { name: null, element: '', internal_type: null, column_label: null, sys_id: null },
  sys_index: { logical_table_name: null, col_name_string: null, unique_index: 'true', sys_id: null },
  sys_properties: { name: null, type: 'string', value: '', description: null, sys_id: null },
  sysauto_script: { name: null, script: null, run_type: 'periodically', run_period: null, active: 'false', sys_id: null },
};

const text = (v) => (v === undefined ? undefined : typeof v === 'object' ? v['#text'] || '' : String(v));

function records(xml) {
  assert.equal(XMLValidator.validate(xml), true, 'the update set is well-formed XML');
  const doc = parser.parse(xml);
  assert.ok(doc.unload, 'the root is <unload>');
  const set = doc.unload.sys_remote_update_set;
  assert.ok(set && !Array.isArray(set), 'one sys_remote_update_set');
  return { set, updates: doc.unload.sys_update_xml.map((u) => {
    const body = text(u.payload);
    assert.equal(XMLValidator.validate(body), true, `the payload of ${text(u.name)} is well-formed`);
    const ru = parser.parse(body).record_update;
    const table = ru['@table'];
    return { update: u, table, record: ru[table] };
  }) };
}

test('the update set is well-formed and every record carries what its table needs', () => {
  const { set, updates } = records(fs.readFileSync(file, 'utf8'));
  const setId = text(set.sys_id);
  assert.match(setId, /^[0-9a-f]{32}$/);
  const ids = new Set();
  for (const { update, table, record } of updates) {
    assert.ok(NEEDS[table], `a record of an expected table: ${table}`);
    assert.equal(record['@action'], 'INSERT_OR_UPDATE');
    assert.equal(text(update.remote_update_set), setId, 'each sys_update_xml names the update set');
    for (const [field, want] of Object.entries(NEEDS[table])) {
      const got = text(record[field]);
      assert.notEqual(got, undefined, `${table} ${text(record.name)}: ${field}`);
      if (want !== null && !(table === 'sys_dictionary' && field === 'element') && !(table === 'sys_properties' && field === 'value')) {
        assert.equal(got, want, `${table} ${text(record.name)}: ${field}`);
      }
    }
    assert.match(text(record.sys_id), /^[0-9a-f]{32}$/);
    assert.ok(!ids.has(text(record.sys_id)), `sys_id ${text(record.sys_id)} once`);
    ids.add(text(record.sys_id));
    if (table === 'sys_script_include') {
      assert.equal(text(record.script), fs.readFileSync(path.join(dir, `${text(record.name)}.js`), 'utf8'), `the script of ${text(record.name)} is the build's`);
    }
  }
  const names = (t) => updates.filter((u) => u.table === t).map((u) => text(u.record.name));
  assert.deepEqual(names('sys_script_include'), ['ExportGuardCore1', 'ExportGuardCore2', 'ExportGuardCore3', 'ExportGuard', 'ExportGuardRunner']);
  assert.deepEqual(names('sys_db_object'), ['u_export_guard_item', 'u_export_guard_lock']);
  const unique = updates.filter((u) => u.table === 'sys_index').map((u) => `${text(u.record.logical_table_name)}.${text(u.record.col_name_string)}`);
  assert.deepEqual(unique, ['u_export_guard_item.u_live_key', 'u_export_guard_lock.u_name']);
  assert.deepEqual(names('sys_properties'), ['export_guard.base_url', 'export_guard.oauth_profile', 'export_guard.client_id', 'export_guard.integration_id']);
  // Every field the runner reads or writes is one the update set defines, on its table.
  const defined = new Set(updates.filter((u) => u.table === 'sys_dictionary').map((u) => text(u.record.element)));
  const runner = fs.readFileSync(path.join(dir, 'ExportGuardRunner.js'), 'utf8');
  const used = new Set([...runner.matchAll(/(?:setValue|getValue|addQuery|orderBy|get)\('(u_\w+)'/g)].map((m) => m[1]));
  assert.ok(used.size >= 8, `fields the runner uses: ${[...used]}`);
  for (const f of used) assert.ok(defined.has(f), `the runner uses ${f}: the update set defines it`);
});

test('sys_ids are stable: a build regenerated elsewhere gives the same records the same ids', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eg-update-set-'));
  try {
    for (const f of fs.readdirSync(dir).filter((x) => /^ExportGuard.*\.js$/.test(x))) fs.copyFileSync(path.join(dir, f), path.join(tmp, f));
    execFileSync(process.execPath, [path.join(__dirname, '..', 'src', 'update-set.js'), tmp]);
    const ids = (xml) => records(xml).updates.map((u) => `${u.table}:${text(u.record.name)}:${text(u.record.element) || ''}=${text(u.record.sys_id)}`);
    assert.deepEqual(ids(fs.readFileSync(path.join(tmp, 'export-guard.update-set.xml'), 'utf8')), ids(fs.readFileSync(file, 'utf8')));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
