using System.Collections.Immutable;
using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>
/// 2-D max and average pooling over independent h x w planes (N*C of them for NCHW). Each output clips its window to
/// the image, so padding never contributes a value; only the average's divisor depends on count_include_pad.
/// </summary>
internal static class PoolKernels
{
    public static ImmutableArray<string> Parameters(bool average) =>
        average
            ? ["x", "y", "planes", "h", "w", "r", "s", "stride_h", "stride_w", "pad_h", "pad_w", "count_include_pad"]
            : ["x", "y", "planes", "h", "w", "r", "s", "stride_h", "stride_w", "pad_h", "pad_w"];

    /// <summary>oh = (h + 2 pad_h - r) / stride_h + 1 and likewise ow; y is planes x oh x ow.</summary>
    public static void Emit(FunctionBuilder e, bool average)
    {
        uint x = 0, y = 1, planes = 2, height = 3, width = 4, kernelHeight = 5, kernelWidth = 6, strideH = 7, strideW = 8, padH = 9, padW = 10,
            countIncludePad = 11;
        var outHeight = e.Local();
        var outWidth = e.Local();
        var plane = e.Local();
        var oh = e.Local();
        var ow = e.Local();
        var rowStart = e.Local();
        var rowEnd = e.Local();
        var columnStart = e.Local();
        var columnEnd = e.Local();
        var row = e.Local();
        var column = e.Local();
        var planeIn = e.Local();
        var output = e.Local();
        var accumulator = e.Local(ValueType.F32);
        e.Get(height).Get(padH).I32(2).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(kernelHeight).Op(Opcode.I32Sub).Get(strideH).Op(Opcode.I32DivS)
            .I32(1).Op(Opcode.I32Add).Set(outHeight);
        e.Get(width).Get(padW).I32(2).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(kernelWidth).Op(Opcode.I32Sub).Get(strideW).Op(Opcode.I32DivS)
            .I32(1).Op(Opcode.I32Add).Set(outWidth);
        e.Get(y).Set(output);
        e.For(plane, planes, () =>
        {
            e.Get(x).Get(plane).Get(height).Op(Opcode.I32Mul).Get(width).Op(Opcode.I32Mul).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(planeIn);
            e.For(oh, outHeight, () =>
            {
                ClippedWindow(e, oh, strideH, padH, kernelHeight, height, rowStart, rowEnd);
                e.For(ow, outWidth, () =>
                {
                    ClippedWindow(e, ow, strideW, padW, kernelWidth, width, columnStart, columnEnd);
                    e.F32(average ? 0f : float.NegativeInfinity).Set(accumulator);
                    e.Get(rowStart).Set(row);
                    e.While(row, () => e.Get(rowEnd), 1, () =>
                    {
                        e.Get(columnStart).Set(column);
                        e.While(column, () => e.Get(columnEnd), 1, () =>
                        {
                            e.Get(accumulator);
                            e.Get(planeIn).Get(row).Get(width).Op(Opcode.I32Mul).Get(column).Op(Opcode.I32Add).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                                .Load(1);
                            e.Op(average ? Opcode.F32Add : Opcode.F32Max).Set(accumulator);
                        });
                    });
                    e.Get(output).Get(accumulator);
                    if (average)
                    {
                        // Divisor: the whole window, or only its in-bounds part.
                        e.Get(kernelHeight).Get(kernelWidth).Op(Opcode.I32Mul)
                            .Get(rowEnd).Get(rowStart).Op(Opcode.I32Sub).Get(columnEnd).Get(columnStart).Op(Opcode.I32Sub).Op(Opcode.I32Mul)
                            .Get(countIncludePad).Op(Opcode.Select).Op(Opcode.F32ConvertI32S).Div(1);
                    }
                    e.Store(1).Increment(output, 4);
                });
            });
        });
        e.Finish();
    }

    /// <summary>start = max(o*stride - pad, 0), end = min(o*stride - pad + size, extent).</summary>
    private static void ClippedWindow(FunctionBuilder e, uint o, uint stride, uint pad, uint size, uint extent, uint start, uint end)
    {
        e.Get(o).Get(stride).Op(Opcode.I32Mul).Get(pad).Op(Opcode.I32Sub).Set(start);
        e.MinI32(() => e.Get(start).Get(size).Op(Opcode.I32Add), () => e.Get(extent)).Set(end);
        e.MaxI32(() => e.Get(start), () => e.I32(0)).Set(start);
    }
}
