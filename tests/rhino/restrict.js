// Imitates ServiceNow's server-side restrictions in Rhino before anything is loaded:
// ArrayBuffer, every typed array, DataView, Promise, Proxy, Reflect, WeakMap and Symbol
// are removed from the global scope (and WebAssembly, globalThis, BigInt if present).
(function (global) {
  var names = ['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
    'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
    'BigInt64Array', 'BigUint64Array', 'Promise', 'Proxy', 'Reflect', 'WeakMap', 'Symbol',
    'WebAssembly', 'globalThis', 'BigInt', 'TextEncoder', 'TextDecoder', 'Intl'];
  for (var i = 0; i < names.length; i++) {
    delete global[names[i]];
    if (typeof global[names[i]] !== 'undefined') throw new Error('could not remove ' + names[i]);
  }
})(this);
