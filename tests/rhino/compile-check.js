// Rhino's class compiler must compile every script of the ServiceNow build: past a
// class-file limit (64 KB of bytecode per method, one constant pool per script), Rhino
// 1.7.14 silently interprets the WHOLE script instead, at every optimisation level, and
// runs it several times slower. (How to check: the facts file's "Rhino compilation".)
//   rhino -opt -1 tests/rhino/compile-check.js <repo root> <level> [<level> ...]
// Fails naming the script, and the function too big for one method if that is the cause.
var root = arguments[0];
var levels = [];
for (var a = 1; a < arguments.length; a++) levels.push(+arguments[a]);
var Interpreted = java.lang.Class.forName('org.mozilla.javascript.InterpretedFunction');
function read(p) { return String(new java.lang.String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get(p)), 'UTF-8')); }
var names = [];
for (var i = 1; new java.io.File(root + '/pkg/servicenow/ExportGuardCore' + i + '.js').exists(); i++) names.push('ExportGuardCore' + i);
names.push('ExportGuard', 'ExportGuardRunner');
var cx = org.mozilla.javascript.Context.enter();
var failed = 0, checked = 0;
function compiles(text, name, level) {
  cx.setOptimizationLevel(level);
  return !Interpreted.isInstance(cx.compileString(text, name, 1, null));
}
for (var n = 0; n < names.length; n++) {
  var text = read(root + '/pkg/servicenow/' + names[n] + '.js');
  for (var l = 0; l < levels.length; l++) {
    for (var v = 0; v < 2; v++) {
      cx.setLanguageVersion(v === 0 ? 180 : 200);
      checked++;
      if (compiles(text, names[n], levels[l])) continue;
      failed++;
      print('FAIL ' + names[n] + '.js at -opt ' + levels[l] + ', version ' + (v === 0 ? 180 : 200) +
        ': Rhino fell back to its interpreter (' + text.length + ' characters)');
    }
  }
}
// On a failure, find the function that does not compile on its own (the usual cause).
if (failed) {
  // Probes are cut from minified text and may not parse: keep their errors quiet.
  cx.setErrorReporter(new JavaAdapter(org.mozilla.javascript.ErrorReporter, {
    warning: function () {}, error: function () {},
    runtimeError: function (m) { return new org.mozilla.javascript.EvaluatorException(m); },
  }));
  for (n = 0; n < names.length; n++) {
    text = read(root + '/pkg/servicenow/' + names[n] + '.js');
    var re = /function ([\w$]+)\(/g, m, starts = [];
    while ((m = re.exec(text))) starts.push(m.index);
    for (var s = 0; s < starts.length; s++) {
      var body = text.slice(starts[s], s + 1 < starts.length ? starts[s + 1] : text.length);
      var alone;
      try { alone = body.length < 20000 || compiles('var Q = function () {' + body.replace(/[;,)}\s]*$/, '') + '}};', 'probe', levels[0]); } catch (e) { alone = true; }
      if (!alone) {
        print('  ' + names[n] + '.js: the function at character ' + starts[s] + ' (' + body.length +
          ' characters) alone is over a class-file limit: keep the Rust function it comes from out of line (#[inline(never)])');
      }
    }
  }
}
print(checked + ' compiled checks, ' + failed + ' fell back to the interpreter');
if (failed) java.lang.System.exit(1);
