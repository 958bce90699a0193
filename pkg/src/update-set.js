#!/usr/bin/env node
'use strict';
// Writes the ServiceNow update set of a build: pkg/servicenow/export-guard.update-set.xml,
// in the format an instance exports (an <unload> root, one sys_remote_update_set, one
// sys_update_xml per record, each carrying its <record_update table="..."> payload as
// escaped text). An admin imports it under System Update Sets → Retrieved Update Sets →
// Import Update Set from XML, then previews and commits it. It holds:
//   - every Script Include of the build (the core parts, ExportGuard, ExportGuardRunner);
//   - the tables u_export_guard_item and u_export_guard_lock with their fields, and the
//     unique indexes the runner's guarantees rest on;
//   - the system properties the scheduled job reads (OAuth profile, client, integration,
//     API base URL), and the scheduled job itself, inactive until configured.
// Every sys_id is derived from the record's table and name, so importing a newer build
// updates the records instead of duplicating them.
//   node pkg/src/update-set.js [pkg/servicenow]
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const dir = path.resolve(process.argv[2] || path.join(__dirname, '..', 'servicenow'));
const version = require('../package.json').version;

/** A stable 32-hex sys_id for a record: the same table and name give the same id in every build. */
const sysId = (...parts) => crypto.createHash('md5').update(['export-guard', ...parts].join('\u0000')).digest('hex');

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `<name>value</name>` for each field (an object: its display_value attribute and value). */
function fields(record) {
  return Object.entries(record).map(([k, v]) => {
    if (v !== null && typeof v === 'object') return `<${k} display_value="${esc(v.display)}">${esc(v.value)}</${k}>`;
    return v === '' || v === null ? `<${k}/>` : `<${k}>${esc(v)}</${k}>`;
  }).join('');
}

const STAMP = { sys_created_by: 'admin', sys_created_on: '2026-01-01 00:00:00', sys_mod_count: '0', sys_updated_by: 'admin', sys_updated_on: '2026-01-01 00:00:00' };

/** One record to install: its table, the attributes ServiceNow puts on the element, its fields. */
function payload(table, attrs, record) {
  const a = Object.entries(attrs).map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><record_update table="${table}"><${table} action="INSERT_OR_UPDATE"${a}>${fields(record)}</${table}></record_update>`;
}

const setId = sysId('sys_remote_update_set', 'export-guard');
const updates = [];
function add(table, type, target, attrs, record, name) {
  updates.push({ table, type, target, name: name || `${table}_${record.sys_id}`, payload: payload(table, attrs, { ...record, sys_class_name: table, ...STAMP }) });
}

// 1. The Script Includes, in load order (the parts first: ExportGuard calls their factories).
const scripts = fs.readdirSync(dir).filter((f) => /^ExportGuardCore\d+\.js$/.test(f)).sort((a, b) => parseInt(a.slice(15), 10) - parseInt(b.slice(15), 10));
if (!scripts.length) throw new Error(`no ExportGuardCore*.js in ${dir}: build the ES5 scripts first`);
for (const file of [...scripts, 'ExportGuard.js', 'ExportGuardRunner.js']) {
  const name = file.replace(/\.js$/, '');
  const id = sysId('sys_script_include', name);
  add('sys_script_include', 'Script Include', name, {}, {
    access: 'public', active: 'true', api_name: `global.${name}`, caller_access: '', client_callable: 'false',
    description: name === 'ExportGuardRunner' ? 'export-guard: the runner (queue, lifecycle, RESTMessageV2) of Genesys Cloud exports'
      : `export-guard ${version}: the core, generated from Rust (ES5); replace every part together`,
    name, sandbox_callable: 'false', script: fs.readFileSync(path.join(dir, file), 'utf8'), sys_id: id, sys_name: name,
    sys_package: { display: 'Global', value: 'global' }, sys_policy: '', sys_scope: { display: 'Global', value: 'global' },
  });
}

// 2. The tables, their fields and their unique indexes.
const TABLES = [
  { name: 'u_export_guard_item', label: 'Export Guard item', fields: [
    ['u_key', 'string', 300, 'Key'], ['u_live_key', 'string', 300, 'Live key'], ['u_item', 'string', 8000, 'Item'],
    ['u_state', 'string', 40, 'State'], ['u_job_id', 'string', 100, 'Job id'], ['u_due', 'glide_date_time', 40, 'Due'],
    ['u_reason', 'string', 1000, 'Reason']], unique: ['u_live_key'] },
  { name: 'u_export_guard_lock', label: 'Export Guard lock', fields: [
    ['u_name', 'string', 100, 'Name'], ['u_holder', 'string', 100, 'Holder'], ['u_expires', 'glide_date_time', 40, 'Expires']], unique: ['u_name'] },
];
for (const t of TABLES) {
  add('sys_db_object', 'Table', t.name, {}, { is_extendable: 'false', label: t.label, name: t.name, sys_id: sysId('sys_db_object', t.name), super_class: '' });
  add('sys_dictionary', 'Dictionary', t.name, { element: '', table: t.name }, {
    active: 'true', column_label: t.label, element: '', internal_type: { display: 'Collection', value: 'collection' }, name: t.name,
    sys_id: sysId('sys_dictionary', t.name, ''),
  }, `sys_dictionary_${t.name}_null`);
  for (const [element, type, length, label] of t.fields) {
    add('sys_dictionary', 'Dictionary', `${t.name}.${element}`, { element, table: t.name }, {
      active: 'true', column_label: label, element, internal_type: { display: type === 'string' ? 'String' : 'Date/Time', value: type },
      mandatory: 'false', max_length: String(length), name: t.name, read_only: 'false', sys_id: sysId('sys_dictionary', t.name, element),
      unique: t.unique.includes(element) ? 'true' : 'false',
    }, `sys_dictionary_${t.name}_${element}`);
  }
  for (const col of t.unique) {
    add('sys_index', 'Index', `${t.name}.${col}`, {}, {
      col_name_string: col, logical_table_name: t.name, sys_id: sysId('sys_index', t.name, col), unique_index: 'true',
    }, `sys_index_${t.name}_${col}`);
  }
}

// 3. The configuration the scheduled job reads, and the job (inactive until configured).
const PROPERTIES = [
  ['export_guard.base_url', 'https://api.mypurecloud.com', 'The Genesys Cloud API base URL of the org (https://api.<region>)'],
  ['export_guard.oauth_profile', '', 'The sys_id of the OAuth profile (client credentials) the runner calls Genesys with'],
  ['export_guard.client_id', '', 'The OAuth client id of that profile: a READY recording job is executed by its creator only'],
  ['export_guard.integration_id', '', 'The S3 integration recording EXPORT jobs deliver to'],
];
for (const [name, value, description] of PROPERTIES) {
  add('sys_properties', 'System Property', name, {}, { description, name, sys_id: sysId('sys_properties', name), type: 'string', value });
}
const JOB = `// export-guard: one round of the queue (configure the export_guard.* system properties, then activate).
(function () {
  var p = function (name) { return String(gs.getProperty('export_guard.' + name, '') || ''); };
  if (!p('oauth_profile') || !p('client_id')) {
    gs.warn('export-guard: set the system properties export_guard.oauth_profile and export_guard.client_id first');
    return;
  }
  var summary = new ExportGuardRunner({
    baseUrl: p('base_url') || 'https://api.mypurecloud.com',
    authProfile: { type: 'oauth2', sysId: p('oauth_profile') },
    clientId: p('client_id'),
    integrationId: p('integration_id') || null
  }).processDue();
  gs.info('export-guard: ' + JSON.stringify(summary));
})();
`;
add('sysauto_script', 'Scheduled Script Execution', 'Export Guard: process queue', {}, {
  active: 'false', conditional: 'false', name: 'Export Guard: process queue', run_as: '', run_period: '1970-01-01 00:01:00',
  run_type: 'periodically', script: JOB, sys_id: sysId('sysauto_script', 'Export Guard: process queue'),
});

// The update set and its records.
const set = `<sys_remote_update_set action="INSERT_OR_UPDATE">${fields({
  application: { display: 'Global', value: 'global' }, application_name: 'Global', application_scope: 'global', application_version: '',
  collisions: '', commit_date: '', deleted: '', description: `export-guard ${version}: the ServiceNow Script Includes, tables, properties and scheduled job`,
  inserted: '', name: `export-guard ${version}`, origin_sys_id: '', release_date: '', remote_sys_id: setId, state: 'loaded', summary: '',
  sys_class_name: 'sys_remote_update_set', ...STAMP, sys_id: setId, update_source: '', updated: '',
})}</sys_remote_update_set>`;
const rows = updates.map((u) => `<sys_update_xml action="INSERT_OR_UPDATE">${fields({
  action: 'INSERT_OR_UPDATE', application: { display: 'Global', value: 'global' }, category: 'customer', comments: '', name: u.name,
  payload: u.payload, remote_update_set: { display: `export-guard ${version}`, value: setId }, replace_on_upgrade: 'false', ...STAMP,
  sys_id: sysId('sys_update_xml', u.name), table: '', target_name: u.target, type: u.type, update_domain: 'global', update_guid: '',
  update_set: '', view: '',
})}</sys_update_xml>`);
const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<unload unload_date="2026-01-01 00:00:00">\n${set}\n${rows.join('\n')}\n</unload>\n`;
const out = path.join(dir, 'export-guard.update-set.xml');
fs.writeFileSync(out, xml);
console.log(`wrote ${path.relative(process.cwd(), out)}: ${updates.length} records, ${xml.length} bytes`);
