// Variants manifests (MODEL.variants.json from `wasmnn compile --variants`): the same model built for relaxed SIMD,
// SIMD128 and scalar hosts, best first. The host takes the first whose features it validates.
import { detectFeatures } from './features.js';
import { compileOrManifest, locationOf, resolveBeside } from './source.js';

/** The first variant of `manifest` whose features are all in `features` (a Set of proposal names). */
export function chooseVariant(manifest, features) {
  if (manifest?.format !== 1 || !Array.isArray(manifest.variants)) {
    throw new Error('not a wasmnn variants manifest (format 1 with a variants list)');
  }
  const variant = manifest.variants.find((v) => v.features.every((f) => features.has(f)));
  if (!variant) {
    throw new Error(`no variant of ${manifest.model} runs here: this host supports [${[...features].join(', ')}]`);
  }
  return variant;
}

/**
 * Compiles `source`, a module or a manifest; for a manifest, only the chosen variant is fetched. `options.variant`
 * names one to take regardless of the host, `options.features` replaces detection (a Set of proposal names).
 * Returns `{ module, variant }` where variant is the manifest entry's name, or null for a lone module.
 */
export async function compileVariant(source, options = {}) {
  const opened = await compileOrManifest(source);
  if (opened.module) return { module: opened.module, variant: null };
  const { manifest } = opened;
  const variant = options.variant
    ? manifest.variants?.find((v) => v.name === options.variant) ?? (() => { throw new Error(`the manifest has no variant '${options.variant}'`); })()
    : chooseVariant(manifest, options.features ?? detectFeatures());
  if (typeof variant.file !== 'string' || /[\\/]/.test(variant.file)) throw new Error(`variant '${variant.name}': the file must be a plain name`);
  const compiled = await compileOrManifest(resolveBeside(locationOf(source), variant.file));
  if (!compiled.module) throw new Error(`variant '${variant.name}' (${variant.file}) is not a WebAssembly module`);
  return { module: compiled.module, variant: variant.name };
}
