# Expected float16/bfloat16 conversions for CastKernelTests, from numpy (float16) and PyTorch (bfloat16), both independent of WasmNN.
# Usage: python3 half_conversions.py OUTPUT_DIR (writes the inputs and the expected outputs as .npy).
import sys, numpy as np, torch
out = sys.argv[1]
rng = np.random.default_rng(7)
edge = np.array([0.0, -0.0, 1.0, 65504.0, 65519.99, 65520.0, 1e5, 6.103515625e-05, 5.960464477539063e-08, 2.9802322387695312e-08,
                 2.99e-08, 1 + 2**-11, 1 + 3 * 2**-11, np.inf, -np.inf, np.nan, -1.5e-7, 3.4e38, 1e-45, 1 + 2**-8, 1 + 3 * 2**-8], np.float32)
x = np.concatenate([edge, rng.integers(0, 2**32, 100000, dtype=np.uint64).astype(np.uint32).view(np.float32),
                    rng.standard_normal(20000).astype(np.float32) * np.float32(1000)])
np.save(out + "/f32.npy", x)
np.save(out + "/f32_to_f16.npy", x.astype(np.float16))
np.save(out + "/f32_to_bf16.npy", torch.from_numpy(x.copy()).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16))
halves = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
np.save(out + "/f16.npy", halves)
np.save(out + "/f16_to_f32.npy", halves.astype(np.float32))
h = halves[np.isfinite(halves) & (halves.astype(np.float64) < 65504)]
up = np.nextafter(h, np.float16(np.inf))
mid = (h.astype(np.float64) + up.astype(np.float64)) / 2
d = np.concatenate([mid, mid * (1 + 2.0**-40), mid * (1 - 2.0**-40), rng.standard_normal(1000) * 100])
np.save(out + "/f64.npy", d)
np.save(out + "/f64_to_f16.npy", d.astype(np.float16))
