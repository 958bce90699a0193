// Installs the ServiceNow build into the stand-in instance from its update set
// (pkg/servicenow/export-guard.update-set.xml), as an admin's import and commit would:
// each Script Include's script is loaded as its own script (so Rhino compiles each to
// its own class), the tables' fields and unique indexes come from its sys_dictionary and
// sys_index records, and its system properties and scheduled job are kept. What the
// tests run is then exactly what an admin imports.
//   installUpdateSet(root) -> { scripts: [names], tables: {...}, properties: {...}, jobs: {...}, ms }
var Props = {};
gs.getProperty = function (name, fallback) { return Object.prototype.hasOwnProperty.call(Props, name) ? Props[name] : fallback; };

function installUpdateSet(root) {
  var t0 = java.lang.System.nanoTime();
  var file = new java.io.File(root + '/pkg/servicenow/export-guard.update-set.xml');
  if (!file.exists()) throw new Error('no pkg/servicenow/export-guard.update-set.xml: run ./build.sh');
  var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
  var builder = factory.newDocumentBuilder();
  var doc = builder.parse(file);
  var sets = doc.getElementsByTagName('sys_remote_update_set');
  if (sets.getLength() !== 1) throw new Error('an update set has one sys_remote_update_set, not ' + sets.getLength());
  var out = { scripts: [], tables: {}, properties: {}, jobs: {} };
  var fieldsOf = {};
  var tmpDir = java.nio.file.Files.createTempDirectory('eg-update-set').toFile();
  var updates = doc.getElementsByTagName('sys_update_xml');
  for (var i = 0; i < updates.getLength(); i++) {
    var text = String(updates.item(i).getElementsByTagName('payload').item(0).getTextContent());
    var payload = builder.parse(new org.xml.sax.InputSource(new java.io.StringReader(text))).getDocumentElement();
    var table = String(payload.getAttribute('table'));
    var rec = payload.getElementsByTagName(table).item(0);
    var val = function (name) {
      var n = rec.getElementsByTagName(name);
      return n.getLength() ? String(n.item(0).getTextContent()) : '';
    };
    if (table === 'sys_script_include') {
      var name = val('name');
      if (val('active') !== 'true' || val('client_callable') !== 'false') throw new Error(name + ': a Script Include must be active and not client callable');
      // A file of its own name, loaded as ServiceNow loads a Script Include.
      var js = new java.io.File(tmpDir, name + '.js');
      java.nio.file.Files.write(js.toPath(), new java.lang.String(val('script')).getBytes('UTF-8'));
      load(js.getPath());
      out.scripts.push(name);
    } else if (table === 'sys_db_object') {
      out.tables[val('name')] = { label: val('label'), fields: {}, unique: [] };
      Tables.data[val('name')] = Tables.data[val('name')] || [];
    } else if (table === 'sys_dictionary') {
      if (!val('element')) continue; // the collection entry: the table itself
      var t = out.tables[val('name')];
      if (!t) throw new Error('a field of ' + val('name') + ' before its table');
      t.fields[val('element')] = { type: val('internal_type'), maxLength: Number(val('max_length')), unique: val('unique') === 'true' };
    } else if (table === 'sys_index') {
      if (val('unique_index') === 'true') out.tables[val('logical_table_name')].unique.push(val('col_name_string'));
    } else if (table === 'sys_properties') {
      out.properties[val('name')] = val('value');
    } else if (table === 'sysauto_script') {
      out.jobs[val('name')] = { active: val('active') === 'true', script: val('script'), runType: val('run_type'), runPeriod: val('run_period') };
    } else {
      throw new Error('a record of an unexpected table in the update set: ' + table);
    }
  }
  // The stand-in instance now has the update set's schema: its unique indexes, and its
  // fields (a value for a field the table does not have is an error here, where
  // ServiceNow would drop it silently; a longer string is cut at max_length, as
  // ServiceNow cuts it).
  Tables.unique = {};
  for (var tn in out.tables) {
    Tables.unique[tn] = out.tables[tn].unique;
    fieldsOf[tn] = out.tables[tn].fields;
  }
  for (var pn in out.properties) Props[pn] = out.properties[pn];
  var setValue = GlideRecord.prototype.setValue;
  GlideRecord.prototype.setValue = function (f, v) {
    var fields = fieldsOf[this.table];
    if (fields) {
      var field = fields[f];
      if (!field) throw new Error('table ' + this.table + ' has no field ' + f + ' (the update set defines ' + Object.keys(fields).join(', ') + ')');
      if (field.type === 'string' && typeof v === 'string' && v.length > field.maxLength) v = v.substring(0, field.maxLength);
    }
    return setValue.call(this, f, v);
  };
  out.ms = (java.lang.System.nanoTime() - t0) / 1e6;
  return out;
}
