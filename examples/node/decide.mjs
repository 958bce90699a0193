// The same library from an ES module: named exports.
// Run from the repository after ./build.sh: node examples/node/decide.mjs
import { decide } from '../../pkg/index.js'; // in a project: from 'export-guard'

const d = decide({ start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', channels: ['sms'] }, []);
console.log(d.action);
