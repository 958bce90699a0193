// Command-line options for the simulator's scripts, read with Node's util.parseArgs
// (strict: an unknown option or a stray argument is an error) plus the number checks
// the scripts need. Errors are plain Errors whose message names the option; each
// script prints it and exits 2.
'use strict';
const util = require('util');

/**
 * @param {string[]} argv  the arguments after the script's name
 * @param {Object<string, 'string'|'boolean'|'number'|'count'>} spec  option name -> kind;
 *   'number' is any finite number, 'count' a whole number > 0. `help` (-h) is added.
 * @returns {Object} the values given, converted (absent options are absent)
 */
function parseOptions(argv, spec) {
  try {
    return read(argv, spec);
  } catch (err) {
    err.usage = true; // callers exit 2 with the message alone
    throw err;
  }
}

function read(argv, spec) {
  const options = { help: { type: 'boolean', short: 'h' } };
  for (const [name, kind] of Object.entries(spec)) options[name] = { type: kind === 'boolean' ? 'boolean' : 'string' };
  let values;
  try {
    ({ values } = util.parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    const option = (/'(-[-\w]+)/.exec(err.message) || [])[1] || '';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new Error(`unknown option ${option} (see --help)`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new Error(`${option} needs a value (see --help)`);
    throw new Error(`${err.message} (see --help)`);
  }
  const out = {};
  for (const [name, v] of Object.entries(values)) {
    const kind = spec[name];
    if (kind === 'number' || kind === 'count') {
      const n = Number(v);
      if (!Number.isFinite(n) || v.trim() === '') throw new Error(`--${name} needs a number, got ${v}`);
      if (kind === 'count' && !(Number.isInteger(n) && n > 0)) throw new Error(`--${name} needs a positive whole number`);
      out[name] = n;
    } else {
      out[name] = v;
    }
  }
  return out;
}

module.exports = { parseOptions };
