using System.Runtime.InteropServices;
using WasmNN.Compiler.IR;
using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Operand layouts the GEMM micro-kernel reads contiguously (the idea of XNNPACK's packed weights): constant A is
/// packed once at compile time, B is packed at run time into scratch by one linear pass, so the K loop steps one
/// pointer through consecutive bytes instead of striding a row of K or N floats per k, which in large layers
/// cycles through few cache sets and pages.
/// </summary>
internal static class GemmPacking
{
    /// <summary>Rows per packed block of A; the GEMM's row tile.</summary>
    public const int RowBlock = 4;

    /// <summary>
    /// Packs each of <paramref name="groups"/> row-major M x K matrices so that every block of 4 rows is stored
    /// k-major (element (m, k) of a block at k*4 + m mod 4) and the last M mod 4 rows stay row-major. A block
    /// starting at row m0 therefore begins at element m0 * K, as in the row-major layout.
    /// </summary>
    public static float[] PackRowPanels(ReadOnlySpan<float> source, int groups, int m, int k)
    {
        var result = new float[source.Length];
        var full = m / RowBlock * RowBlock;
        for (var g = 0; g < groups; g++)
        {
            var matrix = g * m * k;
            for (var row = 0; row < m; row++)
            {
                for (var column = 0; column < k; column++)
                {
                    var target = row < full
                        ? (row / RowBlock * RowBlock * k) + (column * RowBlock) + (row % RowBlock)
                        : (row * k) + column;
                    result[matrix + target] = source[matrix + (row * k) + column];
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Emits the run-time packing of the K x N row-major matrix at <paramref name="source"/> (row stride
    /// <paramref name="ldb"/> floats) into <paramref name="destination"/>: the emitter's column panels one after
    /// another, each k-major, so the panel starting at column n0 begins at element n0 * K.
    /// </summary>
    /// <remarks>With <paramref name="columnRange"/> (a worker's share, as in <see cref="GemmEmitter.Emit"/>) only the panels in it.</remarks>
    public static void EmitPackColumnPanels(FunctionBuilder w, int width, uint source, int destination, int k, int n, int ldb,
        (uint Begin, uint End)? columnRange = null)
    {
        var n0 = w.Local(ValueType.I32);
        var row = w.Local(ValueType.I32);
        var src = w.Local(ValueType.I32);
        var dst = w.Local(ValueType.I32);
        w.I32(destination).Set(dst);
        var start = 0;
        foreach (var (columns, lanes) in GemmEmitter.Panels(width))
        {
            var end = start + (n - start) / columns * columns;
            void Panel()
            {
                if (columnRange is not null)
                {
                    // The panel at n0 starts at element n0 * K.
                    w.Get(n0).I32(k * 4).Op(Opcode.I32Mul).I32(destination).Op(Opcode.I32Add).Set(dst);
                }
                w.Get(source).Get(n0).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(src);
                w.For(row, 0, k, 1, () =>
                {
                    for (var v = 0; v < columns / lanes; v++)
                    {
                        w.Get(dst).Get(src).Load(lanes, (uint)(v * lanes * 4)).Store(lanes, (uint)(v * lanes * 4));
                    }
                    w.Increment(src, ldb * 4).Increment(dst, columns * 4);
                });
            }
            if (columnRange is { } range)
            {
                WorkerShare.ForClipped(w, n0, start, end, columns, range.Begin, range.End, Panel);
            }
            else
            {
                w.For(n0, start, end, columns, Panel);
            }
            start = end;
        }
    }

    /// <summary>
    /// Compile-time form of <see cref="EmitPackColumnPanels"/> for a constant row-major K x N matrix (a fully
    /// connected layer's weights).
    /// </summary>
    public static float[] PackColumnPanels(ReadOnlySpan<float> source, int width, int k, int n)
    {
        var result = new float[k * n];
        var target = 0;
        var start = 0;
        foreach (var (columns, _) in GemmEmitter.Panels(width))
        {
            var end = start + (n - start) / columns * columns;
            for (var n0 = start; n0 < end; n0 += columns)
            {
                for (var row = 0; row < k; row++)
                {
                    source.Slice((row * n) + n0, columns).CopyTo(result.AsSpan(target, columns));
                    target += columns;
                }
            }
            start = end;
        }
        return result;
    }

    /// <summary>
    /// <see cref="PackColumnPanels"/> of Bᵀ for a constant row-major N x K matrix B (Gemm with transB, a fully
    /// connected layer as PyTorch exports it), written panel by panel: a panel of Bᵀ's columns is a block of B's
    /// rows, so each is read alone and transposed, and neither B nor the packed copy is ever in memory whole.
    /// </summary>
    public static void WriteColumnPanelsOfTransposed(Stream destination, Tensor b, int width, int k, int n)
    {
        var start = 0;
        var block = Array.Empty<float>();
        var panel = Array.Empty<float>();
        foreach (var (columns, _) in GemmEmitter.Panels(width))
        {
            var end = start + (n - start) / columns * columns;
            if (block.Length < columns * k)
            {
                (block, panel) = (new float[columns * k], new float[columns * k]);
            }
            for (var n0 = start; n0 < end; n0 += columns)
            {
                var rows = block.AsSpan(0, columns * k);
                b.ReadBytes((long)n0 * k * sizeof(float), MemoryMarshal.AsBytes(rows));
                for (var row = 0; row < k; row++)
                {
                    for (var c = 0; c < columns; c++)
                    {
                        panel[(row * columns) + c] = rows[(c * k) + row];
                    }
                }
                destination.Write(MemoryMarshal.AsBytes(panel.AsSpan(0, columns * k)));
            }
            start = end;
        }
    }
}
