using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace WasmNN.Benchmarks;

/// <summary>
/// The peer the issue measures against: the same kernels written by hand in C# with <c>Vector128</c>, on the same
/// memory layout, compiled by the same JIT (no bounds checks: raw pointers).
/// </summary>
internal sealed unsafe class VectorPeers : IKernelEngine
{
    private const int MemoryBytes = 4 << 20;

    public string Label => "C# Vector128";

    public IReadOnlyList<KernelResult> Run(BenchmarkSpec spec, string wasmDirectory, int runs)
    {
        byte* memory = (byte*)NativeMemory.AlignedAlloc(MemoryBytes, 64);
        try
        {
            var span = new Span<byte>(memory, MemoryBytes);
            var results = new List<KernelResult>();
            foreach (var kernel in spec.Kernels.Where(k => k.Peer is not null))
            {
                span.Clear();
                Harness.Fill(span, kernel.FillOffset, spec.FillBytes);
                float first = Call(kernel, memory, 1);
                double checksum = Harness.Checksum(span, kernel.Output, first);
                results.Add(Harness.Measure(kernel, runs, reps => Call(kernel, memory, reps), checksum));
            }
            return results;
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }

    private static float Call(KernelSpec kernel, byte* memory, int reps)
    {
        var a = kernel.Arguments(reps);
        float* At(int i) => (float*)(memory + (int)a[i]);
        switch (kernel.Peer)
        {
            case "dot": return Dot(At(0), At(1), (int)a[2], reps);
            case "axpy": Axpy(At(0), At(1), (int)a[2], (float)a[3], reps); return 0;
            case "gemm": Gemm4x8(At(0), At(1), At(2), (int)a[3], reps, fused: false); return 0;
            case "gemm-fma": Gemm4x8(At(0), At(1), At(2), (int)a[3], reps, fused: true); return 0;
            case "conv": Conv3x3(At(0), At(1), At(2), (int)a[3], (int)a[4], reps); return 0;
            default: throw new InvalidOperationException($"no peer '{kernel.Peer}'");
        }
    }

    private static float Dot(float* a, float* b, int n, int reps)
    {
        float total = 0;
        for (int r = 0; r < reps; r++)
        {
            Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int i = 0; i < n; i += 16)
            {
                s0 += Vector128.Load(a + i) * Vector128.Load(b + i);
                s1 += Vector128.Load(a + i + 4) * Vector128.Load(b + i + 4);
                s2 += Vector128.Load(a + i + 8) * Vector128.Load(b + i + 8);
                s3 += Vector128.Load(a + i + 12) * Vector128.Load(b + i + 12);
            }
            var s = s0 + s1 + (s2 + s3);
            total += s[0] + s[1] + (s[2] + s[3]);
        }
        return total;
    }

    private static void Axpy(float* x, float* y, int n, float alpha, int reps)
    {
        var va = Vector128.Create(alpha);
        for (int r = 0; r < reps; r++)
        {
            for (int i = 0; i < n; i += 16)
            {
                var y0 = Vector128.Load(y + i) + va * Vector128.Load(x + i);
                var y1 = Vector128.Load(y + i + 4) + va * Vector128.Load(x + i + 4);
                var y2 = Vector128.Load(y + i + 8) + va * Vector128.Load(x + i + 8);
                var y3 = Vector128.Load(y + i + 12) + va * Vector128.Load(x + i + 12);
                y0.Store(y + i);
                y1.Store(y + i + 4);
                y2.Store(y + i + 8);
                y3.Store(y + i + 12);
            }
        }
    }

    private static void Gemm4x8(float* a, float* b, float* c, int k, int reps, bool fused)
    {
        for (int r = 0; r < reps; r++)
        {
            Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
            float* pa = a, pb = b;
            for (int i = 0; i < k; i++, pa += 4, pb += 8)
            {
                var b0 = Vector128.Load(pb);
                var b1 = Vector128.Load(pb + 4);
                var a0 = Vector128.Create(pa[0]);
                var a1 = Vector128.Create(pa[1]);
                var a2 = Vector128.Create(pa[2]);
                var a3 = Vector128.Create(pa[3]);
                if (fused)
                {
                    c00 = Vector128.MultiplyAddEstimate(a0, b0, c00); c01 = Vector128.MultiplyAddEstimate(a0, b1, c01);
                    c10 = Vector128.MultiplyAddEstimate(a1, b0, c10); c11 = Vector128.MultiplyAddEstimate(a1, b1, c11);
                    c20 = Vector128.MultiplyAddEstimate(a2, b0, c20); c21 = Vector128.MultiplyAddEstimate(a2, b1, c21);
                    c30 = Vector128.MultiplyAddEstimate(a3, b0, c30); c31 = Vector128.MultiplyAddEstimate(a3, b1, c31);
                }
                else
                {
                    c00 += a0 * b0; c01 += a0 * b1; c10 += a1 * b0; c11 += a1 * b1;
                    c20 += a2 * b0; c21 += a2 * b1; c30 += a3 * b0; c31 += a3 * b1;
                }
            }
            c00.Store(c); c01.Store(c + 4); c10.Store(c + 8); c11.Store(c + 12);
            c20.Store(c + 16); c21.Store(c + 20); c30.Store(c + 24); c31.Store(c + 28);
        }
    }

    private static void Conv3x3(float* input, float* output, float* w, int width, int rows, int reps)
    {
        var w00 = Vector128.Create(w[0]); var w01 = Vector128.Create(w[1]); var w02 = Vector128.Create(w[2]);
        var w10 = Vector128.Create(w[3]); var w11 = Vector128.Create(w[4]); var w12 = Vector128.Create(w[5]);
        var w20 = Vector128.Create(w[6]); var w21 = Vector128.Create(w[7]); var w22 = Vector128.Create(w[8]);
        int stride = width + 8;
        for (int r = 0; r < reps; r++)
        {
            for (int y = 0; y < rows; y++)
            {
                float* r0 = input + y * stride, r1 = r0 + stride, r2 = r1 + stride, o = output + y * width;
                for (int x = 0; x < width; x += 8)
                {
                    var acc0 = w00 * Vector128.Load(r0 + x) + w01 * Vector128.Load(r0 + x + 1) + w02 * Vector128.Load(r0 + x + 2)
                        + w10 * Vector128.Load(r1 + x) + w11 * Vector128.Load(r1 + x + 1) + w12 * Vector128.Load(r1 + x + 2)
                        + w20 * Vector128.Load(r2 + x) + w21 * Vector128.Load(r2 + x + 1) + w22 * Vector128.Load(r2 + x + 2);
                    var acc1 = w00 * Vector128.Load(r0 + x + 4) + w01 * Vector128.Load(r0 + x + 5) + w02 * Vector128.Load(r0 + x + 6)
                        + w10 * Vector128.Load(r1 + x + 4) + w11 * Vector128.Load(r1 + x + 5) + w12 * Vector128.Load(r1 + x + 6)
                        + w20 * Vector128.Load(r2 + x + 4) + w21 * Vector128.Load(r2 + x + 5) + w22 * Vector128.Load(r2 + x + 6);
                    acc0.Store(o + x);
                    acc1.Store(o + x + 4);
                }
            }
        }
    }
}
