/*
 * export-guard ES5 runtime: the pieces a wasm2js module needs, without typed arrays.
 *
 * ServiceNow's server-side JavaScript (Rhino) disallows ArrayBuffer, typed arrays and
 * DataView, and Debian's Rhino 1.7.14 has big-endian typed arrays. So linear memory
 * lives in a plain array of 32-bit words, and every byte order is explicit
 * (little-endian, as wasm defines it). `pkg/src/es5-build.js` rewrites each typed-array
 * access of the wasm2js output into a call to one of these functions. Plain ES5.
 */

/** Memory: $M[i] holds bytes 4i..4i+3, little-endian, as an int32. */
var $M = [];
var $pages = 0;

/**
 * The variables the core's functions assign (the stack pointer and wasm2js's i64
 * scratch): properties of one object, because those functions live in several scripts
 * (pkg/src/es5-split.js) and scripts cannot share a closure.
 */
var $G = {};

// One page of zero words, built by doubling (14 steps instead of 16,384 interpreted ones).
var $ZERO_PAGE = null;

function $memGrow(delta) {
  var old = $pages;
  if (delta < 0 || $pages + delta > 65536) return -1;
  if (delta > 0 && $ZERO_PAGE === null) {
    $ZERO_PAGE = [0];
    while ($ZERO_PAGE.length < 16384) $ZERO_PAGE = $ZERO_PAGE.concat($ZERO_PAGE);
  }
  // push.apply grows the array in place (functions keep an alias of it) and runs as one
  // native call: Rhino's interpreter costs ~1 us per loop step, so a 1 MB memory filled
  // word by word took ~0.3 s of the script's load.
  for (var p = 0; p < delta; p++) Array.prototype.push.apply($M, $ZERO_PAGE);
  $pages += delta;
  return old;
}
function $memInit(bytes) {
  $M = [];
  $pages = 0;
  $memGrow(Math.ceil(bytes / 65536));
  return $M;
}
function $memPages() {
  return $pages;
}

// 32-bit words: the index is a word index (wasm2js writes HEAP32[addr >> 2]).
function $ld_HEAP32(i) { return $M[i] | 0; }
function $ld_HEAPU32(i) { return $M[i] >>> 0; }
function $st_HEAP32(i, v) { $M[i] = v | 0; return v; }
var $st_HEAPU32 = $st_HEAP32;

// Bytes: the index is a byte address.
function $ld_HEAPU8(a) { return ($M[a >> 2] >>> ((a & 3) << 3)) & 255; }
function $ld_HEAP8(a) { return ($M[a >> 2] << (24 - ((a & 3) << 3))) >> 24; }
function $st_HEAP8(a, v) {
  var i = a >> 2, s = (a & 3) << 3;
  $M[i] = ($M[i] & ~(255 << s)) | ((v & 255) << s);
  return v;
}
var $st_HEAPU8 = $st_HEAP8;

// Half-words: the index is a half-word index (addr >> 1).
function $ld_HEAPU16(h) { var s = (h & 1) << 4; return ($M[h >> 1] >>> s) & 65535; }
function $ld_HEAP16(h) { var s = (h & 1) << 4; return ($M[h >> 1] << (16 - s)) >> 16; }
function $st_HEAP16(h, v) {
  var i = h >> 1, s = (h & 1) << 4;
  $M[i] = ($M[i] & ~(65535 << s)) | ((v & 65535) << s);
  return v;
}
var $st_HEAPU16 = $st_HEAP16;

/** memory.copy (memmove semantics), a word at a time when source and target align. */
function $memCopy(dest, src, n) {
  dest = dest >>> 0; src = src >>> 0; n = n >>> 0;
  if (n === 0 || dest === src) return;
  var M = $M, k = 0, i, a, b, s;
  if (dest < src || dest >= src + n) {
    // Forward: bytes up to dest's word boundary, then whole destination words. A source
    // at another offset within its word is read as two words shifted together (little
    // endian: byte a is bits ((a & 3) * 8) of word a >> 2): strings are copied to
    // arbitrary offsets, and a call per byte was a large share of a ServiceNow round
    // (docs/performance.md).
    for (; k < n && ((dest + k) & 3) !== 0; k++) {
      a = dest + k; b = src + k; s = (a & 3) << 3;
      M[a >> 2] = (M[a >> 2] & ~(255 << s)) | (((M[b >> 2] >>> ((b & 3) << 3)) & 255) << s);
    }
    var wd = (dest + k) >> 2, words = (n - k) >> 2, from = src + k;
    if ((from & 3) === 0) {
      for (i = 0, b = from >> 2; i < words; i++) M[wd + i] = M[b + i];
    } else {
      var lo = (from & 3) << 3, hi = 32 - lo;
      for (i = 0, b = from >> 2; i < words; i++) M[wd + i] = (M[b + i] >>> lo) | (M[b + i + 1] << hi);
    }
    k += words << 2;
    for (; k < n; k++) {
      a = dest + k; b = src + k; s = (a & 3) << 3;
      M[a >> 2] = (M[a >> 2] & ~(255 << s)) | (((M[b >> 2] >>> ((b & 3) << 3)) & 255) << s);
    }
  } else {
    for (k = n - 1; k >= 0; k--) $st_HEAP8(dest + k, $ld_HEAPU8(src + k));
  }
}

/** memory.fill, a word at a time in the aligned middle. */
function $memFill(dest, value, n) {
  dest = dest >>> 0; n = n >>> 0; value = value & 255;
  var M = $M, k = 0, word = value * 0x01010101 | 0;
  while (k < n && ((dest + k) & 3) !== 0) { $st_HEAP8(dest + k, value); k++; }
  for (var w = (dest + k) >> 2, end = (dest + n) >> 2; w < end; w++) { M[w] = word; k += 4; }
  for (; k < n; k++) $st_HEAP8(dest + k, value);
}

// IEEE 754 by arithmetic (no typed arrays to reinterpret bits with).
var $TWO32 = 4294967296;
var $TWO52 = 4503599627370496;
var $TWO23 = 8388608;

function $pow2(e) {
  // Math.pow(2, e) is exact for integer e in [-1074, 1023].
  return Math.pow(2, e);
}
function $exponentOf(a) {
  var e = Math.floor(Math.log(a) / Math.LN2);
  if ($pow2(e) > a) e--;
  else if ($pow2(e + 1) <= a) e++;
  return e;
}

/** Splits a double into its two little-endian words; returns [lo, hi]. */
function $f64ToWords(v) {
  if (v !== v) return [0, 0x7ff80000];
  var sign = v < 0 || (v === 0 && 1 / v < 0) ? 0x80000000 : 0;
  var a = Math.abs(v);
  if (a === Infinity) return [0, (sign | 0x7ff00000) | 0];
  if (a === 0) return [0, sign | 0];
  var e = $exponentOf(a), biased, m;
  if (e < -1022) {
    biased = 0;
    m = a / $pow2(-1074);
  } else {
    biased = e + 1023;
    m = (a / $pow2(e) - 1) * $TWO52;
  }
  var hiM = Math.floor(m / $TWO32);
  return [(m - hiM * $TWO32) | 0, (sign | (biased << 20) | hiM) | 0];
}
function $wordsToF64(lo, hi) {
  var sign = hi < 0 ? -1 : 1;
  var biased = (hi >>> 20) & 2047;
  var m = (hi & 0xfffff) * $TWO32 + (lo >>> 0);
  if (biased === 2047) return m === 0 ? sign * Infinity : NaN;
  if (biased === 0) return sign * m * $pow2(-1074);
  return sign * (1 + m / $TWO52) * $pow2(biased - 1023);
}
function $f32ToWord(v) {
  if (v !== v) return 0x7fc00000;
  var sign = v < 0 || (v === 0 && 1 / v < 0) ? 0x80000000 : 0;
  var a = Math.abs(v);
  if (a === Infinity) return (sign | 0x7f800000) | 0;
  if (a === 0) return sign | 0;
  var e = $exponentOf(a), biased, m;
  if (e < -126) {
    biased = 0;
    m = Math.round(a / $pow2(-149));
  } else {
    biased = e + 127;
    m = Math.round((a / $pow2(e) - 1) * $TWO23);
    if (m === $TWO23) { m = 0; biased++; }
  }
  if (biased >= 255) return (sign | 0x7f800000) | 0;
  return (sign | (biased << 23) | m) | 0;
}
function $wordToF32(w) {
  var sign = w < 0 ? -1 : 1;
  var biased = (w >>> 23) & 255;
  var m = w & 0x7fffff;
  if (biased === 255) return m === 0 ? sign * Infinity : NaN;
  if (biased === 0) return sign * m * $pow2(-149);
  return sign * (1 + m / $TWO23) * $pow2(biased - 127);
}

// Floats: the index is an element index (addr >> 2 for f32, addr >> 3 for f64).
function $ld_HEAPF32(i) { return $wordToF32($M[i] | 0); }
function $st_HEAPF32(i, v) { $M[i] = $f32ToWord(v); return v; }
function $ld_HEAPF64(i) { return $wordsToF64($M[2 * i] | 0, $M[2 * i + 1] | 0); }
function $st_HEAPF64(i, v) { var w = $f64ToWords(v); $M[2 * i] = w[0]; $M[2 * i + 1] = w[1]; return v; }

// wasm2js's scratch space for bit reinterpretation: two words.
var $scratch = [0, 0];
function $scratch_load_i32(i) { return $scratch[i] | 0; }
function $scratch_store_i32(i, v) { $scratch[i] = v | 0; }
function $scratch_load_f32() { return $wordToF32($scratch[2] | 0); }
function $scratch_store_f32(v) { $scratch[2] = $f32ToWord(v); }
function $scratch_load_f64() { return $wordsToF64($scratch[0] | 0, $scratch[1] | 0); }
function $scratch_store_f64(v) { var w = $f64ToWords(v); $scratch[0] = w[0]; $scratch[1] = w[1]; }

// Math functions from ES2015, with fallbacks for engines that lack them.
var $imul = Math.imul || function (a, b) {
  var ah = (a >>> 16) & 0xffff, al = a & 0xffff, bh = (b >>> 16) & 0xffff, bl = b & 0xffff;
  return ((al * bl) + (((ah * bl + al * bh) << 16) >>> 0)) | 0;
};
var $clz32 = Math.clz32 || function (x) {
  x = x >>> 0;
  if (x === 0) return 32;
  var n = 0;
  while ((x & 0x80000000) === 0) { x = x << 1; n++; }
  return n;
};
var $fround = Math.fround || function (v) { return $wordToF32($f32ToWord(v)); };
var $trunc = Math.trunc || function (v) { return v < 0 ? Math.ceil(v) : Math.floor(v); };

// The initial memory image: es5-build.js re-encodes wasm2js's base64 data segments as
// runs of whole little-endian words, five characters per word in base 85 (the ASCII
// characters "#" to "w", with "\\" written as "~" so the text needs no escapes), and
// "!" for a zero word (a third of the image). A word costs at most five character reads
// and no byte shuffling: this loads the ~110 KB image in a fraction of the time base64
// into bytes took in Rhino's interpreter, from shorter text.
var $A85 = (function () {
  var t = [];
  for (var c = 0; c < 128; c++) t[c] = c - 35;
  t[126] = 92 - 35;
  return t;
})();

/** Writes the words encoded in `text` (see above) from word index `word` on. */
function $writeWords85(word, text) {
  var M = $M, T = $A85, n = text.length, i = 0, c;
  while (i < n) {
    c = text.charCodeAt(i);
    if (c === 33) { i++; word++; continue; } // memory starts zeroed
    M[word++] = ((((T[c] * 85 + T[text.charCodeAt(i + 1)]) * 85 + T[text.charCodeAt(i + 2)]) * 85 +
      T[text.charCodeAt(i + 3)]) * 85 + T[text.charCodeAt(i + 4)]) | 0;
    i += 5;
  }
}

/** Writes `n` bytes of the array `bytes` at byte address `ptr`, a word at a time where it can. */
function $writeBytes(ptr, bytes, n) {
  var M = $M, k = 0;
  while (k < n && ((ptr + k) & 3) !== 0) { $st_HEAP8(ptr + k, bytes[k]); k++; }
  for (; k + 4 <= n; k += 4) {
    M[(ptr + k) >> 2] = bytes[k] | (bytes[k + 1] << 8) | (bytes[k + 2] << 16) | (bytes[k + 3] << 24);
  }
  for (; k < n; k++) $st_HEAP8(ptr + k, bytes[k]);
}

var $NON_ASCII = /[^\x00-\x7f]/;

/**
 * Writes an ASCII-only string at byte address `ptr` (UTF-8 of ASCII is the string
 * itself), four characters per word: no intermediate byte array. Callers check
 * `$NON_ASCII` first (a native regex test, cheap in Rhino's interpreter).
 */
function $writeAscii(ptr, s) {
  var M = $M, n = s.length, k = 0;
  while (k < n && ((ptr + k) & 3) !== 0) { $st_HEAP8(ptr + k, s.charCodeAt(k)); k++; }
  for (; k + 4 <= n; k += 4) {
    M[(ptr + k) >> 2] = s.charCodeAt(k) | (s.charCodeAt(k + 1) << 8) | (s.charCodeAt(k + 2) << 16) | (s.charCodeAt(k + 3) << 24);
  }
  for (; k < n; k++) $st_HEAP8(ptr + k, s.charCodeAt(k));
}

/** UTF-8 bytes of a string; lone surrogates become U+FFFD. */
function $utf8Encode(s) {
  var out = [];
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      var d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/**
 * Decodes `len` UTF-8 bytes at byte address `ptr` (the core only writes valid UTF-8).
 * Answers are nearly all ASCII: an aligned word of four ASCII bytes is read at once
 * (a quarter of the loads, each a call in this build), other bytes one at a time.
 */
function $utf8Decode(ptr, len) {
  var M = $M, parts = [], chunk = [], end = ptr + len, a = ptr, w, b, c;
  while (a < end) {
    if ((a & 3) === 0 && a + 4 <= end && ((w = M[a >> 2] | 0) & 0x80808080) === 0) {
      chunk.push(w & 127, (w >> 8) & 127, (w >> 16) & 127, w >>> 24);
      a += 4;
    } else {
      b = $ld_HEAPU8(a++);
      if (b < 0x80) c = b;
      else if (b < 0xe0) c = ((b & 31) << 6) | ($ld_HEAPU8(a++) & 63);
      else if (b < 0xf0) { c = ((b & 15) << 12) | (($ld_HEAPU8(a++) & 63) << 6); c |= $ld_HEAPU8(a++) & 63; }
      else {
        c = ((b & 7) << 18) | (($ld_HEAPU8(a++) & 63) << 12);
        c |= ($ld_HEAPU8(a++) & 63) << 6;
        c |= $ld_HEAPU8(a++) & 63;
      }
      if (c >= 0x10000) {
        c -= 0x10000;
        chunk.push(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
      } else {
        chunk.push(c);
      }
    }
    if (chunk.length >= 4096) { parts.push(String.fromCharCode.apply(null, chunk)); chunk = []; }
  }
  parts.push(String.fromCharCode.apply(null, chunk));
  return parts.join('');
}

/** The host side of the core's imports. */
var env = { eg_random: function () { return Math.random(); } };

/**
 * Moves one call across the boundary: UTF-8 in, UTF-8 out, through the core's raw
 * exports (eg_input, eg_call, eg_output_len: functions of the same scope once
 * es5-build.js has unwrapped the wasm2js module).
 */
function rawCall(op, argsJson, nowMs) {
  var text = op + argsJson, total, ptr;
  if (!$NON_ASCII.test(text)) {
    // Nearly every call: JSON from JSON.stringify of ASCII data. (op is always ASCII.)
    total = text.length;
    ptr = eg_input(total) >>> 0;
    $writeAscii(ptr, text);
  } else {
    var bytes = $utf8Encode(text);
    total = bytes.length;
    ptr = eg_input(total) >>> 0;
    $writeBytes(ptr, bytes, total);
  }
  var out = eg_call(op.length, total, +nowMs) >>> 0;
  return $utf8Decode(out, eg_output_len() >>> 0);
}
