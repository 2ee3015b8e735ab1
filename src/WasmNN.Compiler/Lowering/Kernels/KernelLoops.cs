using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>Loop shapes shared by the reduction, normalisation and data-movement kernels.</summary>
internal static class KernelLoops
{
    /// <summary>
    /// Nested counted loops over <paramref name="dims"/> (outermost first), calling <paramref name="body"/> with the
    /// counters (one i32 local per dimension, counting elements) in the innermost one.
    /// </summary>
    public static void Nest(FunctionBuilder w, IReadOnlyList<int> dims, Action<uint[]> body)
    {
        var counters = dims.Select(_ => w.Local(ValueType.I32)).ToArray();
        void Level(int d)
        {
            if (d == dims.Count)
            {
                body(counters);
                return;
            }
            w.For(counters[d], 0, dims[d], 1, () => Level(d + 1));
        }
        Level(0);
    }

    /// <summary>Pushes <c>address + sum(counters[d] * strideBytes[d])</c> (terms with a zero stride are skipped).</summary>
    public static void PushAddress(FunctionBuilder w, int address, IReadOnlyList<uint> counters, IReadOnlyList<int> strideBytes)
    {
        w.I32(address);
        for (var d = 0; d < counters.Count; d++)
        {
            if (strideBytes[d] != 0)
            {
                w.Get(counters[d]);
                if (strideBytes[d] != 1)
                {
                    w.I32(strideBytes[d]).Op(Opcode.I32Mul);
                }
                w.Op(Opcode.I32Add);
            }
        }
    }

    /// <summary>
    /// <c>for (offset = 0; offset &lt; count * 4; ...)</c> over a run of <paramref name="count"/> floats: the body at
    /// <paramref name="width"/> lanes for the whole vectors, then at one lane for the tail. The body gets the lane
    /// count; the byte offset is in <paramref name="offset"/>.
    /// </summary>
    public static void Run(FunctionBuilder w, int width, int count, uint offset, Action<int> body)
    {
        var vectorEnd = count / width * width;
        w.For(offset, 0, vectorEnd * 4, width * 4, () => body(width));
        w.For(offset, vectorEnd * 4, count * 4, 4, () => body(1));
    }

    /// <summary>Positions o in [lo, hi) whose o*stride - shift lies in [0, size) (the window taps that land inside a plane).</summary>
    public static (int Lo, int Hi) ValidRange(int outputs, int stride, int shift, int size)
    {
        var lo = 0;
        while (lo < outputs && lo * stride - shift < 0)
        {
            lo++;
        }
        var hi = lo;
        while (hi < outputs && hi * stride - shift < size)
        {
            hi++;
        }
        return (lo, hi);
    }
}
