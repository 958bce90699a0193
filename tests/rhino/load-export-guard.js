// Loads the ServiceNow build as ServiceNow does: each Script Include is its own script
// (so Rhino compiles each to its own class): ExportGuardCore1..N, then ExportGuard.
//   loadExportGuard(root) -> milliseconds it took
function loadExportGuard(root) {
  var t0 = java.lang.System.nanoTime();
  for (var i = 1; new java.io.File(root + '/pkg/servicenow/ExportGuardCore' + i + '.js').exists(); i++) {
    load(root + '/pkg/servicenow/ExportGuardCore' + i + '.js');
  }
  if (i === 1) throw new Error('no pkg/servicenow/ExportGuardCore1.js: run ./build.sh');
  load(root + '/pkg/servicenow/ExportGuard.js');
  return (java.lang.System.nanoTime() - t0) / 1e6;
}
