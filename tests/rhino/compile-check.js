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
        ': Rhino fell back to its interpreter (' + text.length + ' characters): ' + whyNot(text, levels[l]));
    }
  }
}
// The class-file limit the class compiler hit (compileString swallows it).
function whyNot(text, level) {
  var R = org.mozilla.javascript;
  cx.setOptimizationLevel(level);
  var env = new R.CompilerEnvirons();
  env.initFromContext(cx);
  var tree = new R.IRFactory(env).transformTree(new R.Parser(env).parse(text, 'probe', 1));
  try {
    new R.optimizer.Codegen().compile(env, tree, tree.getEncodedSource(), false);
    return 'no class-file error reported';
  } catch (e) {
    return String(e.javaException ? e.javaException.getMessage() : e);
  }
}
// On a failure, find the function that does not compile on its own (the usual cause).
if (failed) {
  // Each function declaration, found by Rhino's own parser, compiled alone.
  var R = org.mozilla.javascript;
  for (n = 0; n < names.length; n++) {
    text = read(root + '/pkg/servicenow/' + names[n] + '.js');
    var env = new R.CompilerEnvirons();
    env.initFromContext(cx);
    var found = [];
    new R.Parser(env).parse(text, names[n], 1).visit(new R.ast.NodeVisitor({
      visit: function (node) {
        if (node instanceof R.ast.FunctionNode && node.getLength() >= 4000 && node.getFunctionName()) {
          found.push({ name: String(node.getFunctionName().getIdentifier()), at: node.getAbsolutePosition(), length: node.getLength() });
        }
        return true;
      },
    }));
    for (var s = 0; s < found.length; s++) {
      var f = found[s], probe = 'var Q = function () {' + text.substr(f.at, f.length) + '};';
      if (compiles(probe, 'probe', levels[0])) continue;
      print('  ' + names[n] + '.js: function ' + f.name + ' at character ' + f.at + ' (' + f.length +
        ' characters) alone is over a class-file limit (' + whyNot(probe, levels[0]) +
        '): keep parts of the Rust function it comes from out of line (#[inline(never)])');
    }
  }
}
print(checked + ' compiled checks, ' + failed + ' fell back to the interpreter');
if (failed) java.lang.System.exit(1);
