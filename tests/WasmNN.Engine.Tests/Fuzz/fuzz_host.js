// Runs binaryen -ttf modules on V8 for the differential fuzz tests (NodeHost.cs): reads a JSON plan on stdin, prints
// one JSON array of traces (one per module) in the line format of ExecutionTrace.cs.
'use strict';
const fs = require('fs');

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);
const hex = (v, n) => v.toString(16).padStart(n, '0');

function format(type, v) {
  switch (type) {
    case 'i32': return 'i32 ' + (v | 0);
    case 'i64': return 'i64 ' + BigInt.asIntN(64, v);
    case 'f32': if (Number.isNaN(v)) return 'f32 nan'; f32[0] = v; return 'f32 ' + hex(u32[0], 8);
    case 'f64': if (Number.isNaN(v)) return 'f64 nan'; f64[0] = v; return 'f64 ' + hex(u64[0], 16);
    default: return type + ' ?';
  }
}

function argument(a) {
  switch (a.t) {
    case 'i32': return Number(a.v) | 0;
    case 'i64': return BigInt.asIntN(64, BigInt(a.v));
    case 'f32': u32[0] = Number(a.v); return f32[0];
    case 'f64': u64[0] = BigInt(a.v); return f64[0];
    default: return null;
  }
}

// V8's trap messages, merged into ExecutionTrace's vocabulary.
function trap(e) {
  if (e instanceof WebAssembly.RuntimeError) {
    const m = e.message;
    if (m.includes('unreachable')) return 'trap unreachable';
    if (m.includes('memory access out of bounds') || m.includes('data segment')) return 'trap memory';
    if (m.includes('table index is out of bounds') || m.includes('table access') || m.includes('element segment')) return 'trap table';
    if (m.includes('null function') || m.includes('signature mismatch')) return 'trap indirect';
    if (m.includes('by zero')) return 'trap divide';
    if (m.includes('unrepresentable')) return 'trap overflow';
    return 'trap other: ' + m;
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'stop stack';
  // A v128 crossing into or out of JavaScript: V8 cannot follow the module past here.
  if (e instanceof TypeError) return 'stop js-boundary: ' + e.message;
  return 'trap other: ' + e;
}

function run(plan) {
  const trace = [];
  const log = type => v => { trace.push('log ' + format(type, v)); };
  const imports = { 'fuzzing-support': {
    'log-i32': log('i32'), 'log-i64': log('i64'), 'log-f32': log('f32'), 'log-f64': log('f64'),
    'log-v128': () => { throw new TypeError('log-v128 called from JavaScript'); },
  } };
  let exports;
  try {
    exports = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(plan.file)), imports).exports;
  } catch (e) {
    trace.push(trap(e));
    return trace;
  }
  for (const call of plan.calls) {
    trace.push('call ' + call.name);
    try {
      if (plan.hangLimit) exports[plan.hangLimit]();
      const result = exports[call.name](...call.args.map(argument));
      const values = call.results.length === 1 ? [result] : call.results.length === 0 ? [] : result;
      trace.push(['ret', ...call.results.map((t, i) => format(t, values[i]))].join(' '));
    } catch (e) {
      trace.push(trap(e));
    }
    if (trace[trace.length - 1].startsWith('stop ')) break;
  }
  return trace;
}

const plans = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(plans.map(run)) + '\n');
