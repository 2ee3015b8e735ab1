// wasmnn: run models compiled by `wasmnn compile` (docs/WEB.md) and the kernel library wasm_ops.wasm, in browsers,
// Node and Bun. No dependencies.
export { loadModel, Model, readMetadata } from './model.js';
export { loadOps, Ops, Tensor } from './ops.js';
export { detectFeatures } from './features.js';
export { chooseVariant } from './variants.js';
export { dtypes } from './dtypes.js';
