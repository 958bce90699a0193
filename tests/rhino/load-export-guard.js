// Loads the ServiceNow build as ServiceNow does: each Script Include is its own script
// (so Rhino compiles each to its own class): ExportGuardCore1..N, then ExportGuard.
//   loadExportGuard(root[, dir]) -> milliseconds it took (dir: the scripts' folder,
//   default <root>/pkg/servicenow)
function loadExportGuard(root, dir) {
  var t0 = java.lang.System.nanoTime();
  dir = dir || root + '/pkg/servicenow';
  for (var i = 1; new java.io.File(dir + '/ExportGuardCore' + i + '.js').exists(); i++) {
    load(dir + '/ExportGuardCore' + i + '.js');
  }
  if (i === 1) throw new Error('no ExportGuardCore1.js in ' + dir + ': run ./build.sh');
  load(dir + '/ExportGuard.js');
  return (java.lang.System.nanoTime() - t0) / 1e6;
}
