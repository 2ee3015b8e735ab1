using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The integer GEMM Y[M, N] = R[M, K] . C[K, N] on <c>i32x4.dot_i16x8_s</c> (XNNPACK's "c2" layout): both operands
/// are int16 with their zero points already subtracted, K in pairs. R is row-major with each row's pairs contiguous
/// ([M][K/2] pairs of int16, 4 bytes each); C holds, for each pair of k, the pairs of every column side by side
/// ([K/2][Npad] pairs, Npad = N rounded up to 4, zero past N). Then one <c>v128.load32_splat</c> of R's pair and one
/// load of 4 columns' pairs give, through the dot, 4 columns' two-term sums: no horizontal reduction, and each
/// accumulator holds 4 consecutive outputs of a row. Tiles are 4 rows by 8 columns (8 accumulators).
/// </summary>
/// <remarks>
/// Values are at most 255 in magnitude after the zero point, so each pair sum fits easily and the int32 sums are
/// exact, as onnxruntime's. Rows and columns left over get smaller tiles; the epilogue is told how many of an
/// accumulator's 4 lanes are real.
/// </remarks>
internal static class IntegerGemmEmitter
{
    private const int TileRows = 4;
    private const int TileColumns = 8;

    /// <summary>
    /// Finishes one row of a tile: row <c>rowBase + row</c>, columns <c>column</c> onwards, one accumulator per 4
    /// columns, of which <paramref name="lanes"/> (1-4 each) exist.
    /// </summary>
    public delegate void Epilogue(uint rowBase, int row, uint column, uint[] accumulators, int[] lanes);

    /// <summary>N rounded up to whole vectors of 4 columns (the column operand's row length in pairs).</summary>
    public static int PaddedColumns(int n) => (n + 3) / 4 * 4;

    /// <summary>Emits the product; <paramref name="rows"/> and <paramref name="columns"/> are the packed operands' addresses.</summary>
    public static void Emit(FunctionBuilder w, int m, int n, int pairs, int rows, int columns, Epilogue epilogue)
    {
        var paddedColumns = PaddedColumns(n);
        var (rowBase, column, k, rowPointer, columnPointer) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        var accumulators = Enumerable.Range(0, TileRows * 2).Select(_ => w.Local(ValueType.V128)).ToArray();
        var fullRows = m / TileRows * TileRows;
        var fullColumns = n / TileColumns * TileColumns;
        var leftColumns = n - fullColumns;

        void Tile(int tileRows)
        {
            if (fullColumns > 0)
            {
                w.For(column, 0, fullColumns, TileColumns, () => EmitTile(w, tileRows, 2, [4, 4], pairs, paddedColumns, rows, columns, rowBase, column, k, rowPointer, columnPointer, accumulators, epilogue));
            }
            if (leftColumns > 0)
            {
                w.I32(fullColumns).Set(column);
                int[] lanes = leftColumns > 4 ? [4, leftColumns - 4] : [leftColumns];
                EmitTile(w, tileRows, lanes.Length, lanes, pairs, paddedColumns, rows, columns, rowBase, column, k, rowPointer, columnPointer, accumulators, epilogue);
            }
        }

        if (fullRows > 0)
        {
            w.For(rowBase, 0, fullRows, TileRows, () => Tile(TileRows));
        }
        if (m > fullRows)
        {
            w.I32(fullRows).Set(rowBase);
            Tile(m - fullRows);
        }
    }

    private static void EmitTile(FunctionBuilder w, int tileRows, int vectors, int[] lanes, int pairs, int paddedColumns, int rows, int columns,
        uint rowBase, uint column, uint k, uint rowPointer, uint columnPointer, uint[] accumulators, Epilogue epilogue)
    {
        uint Accumulator(int r, int t) => accumulators[r * 2 + t];
        for (var r = 0; r < tileRows; r++)
        {
            for (var t = 0; t < vectors; t++)
            {
                w.Code.V128Const(default);
                w.Set(Accumulator(r, t));
            }
        }
        w.Get(rowBase).I32(pairs * 4).Op(Opcode.I32Mul).I32(rows).Op(Opcode.I32Add).Set(rowPointer);
        w.Get(column).I32(4).Op(Opcode.I32Mul).I32(columns).Op(Opcode.I32Add).Set(columnPointer);
        w.For(k, 0, pairs, 1, () =>
        {
            for (var r = 0; r < tileRows; r++)
            {
                var weight = w.Local(ValueType.V128);
                w.Get(rowPointer).Memory(Opcode.V128Load32Splat, (uint)(r * pairs * 4)).Set(weight);
                for (var t = 0; t < vectors; t++)
                {
                    w.Get(Accumulator(r, t)).Get(weight).Get(columnPointer).Memory(Opcode.V128Load, (uint)(16 * t))
                        .Op(Opcode.I32x4DotI16x8S).Op(Opcode.I32x4Add).Set(Accumulator(r, t));
                }
            }
            w.Increment(rowPointer, 4).Increment(columnPointer, paddedColumns * 4);
        });
        for (var r = 0; r < tileRows; r++)
        {
            epilogue(rowBase, r, column, [.. Enumerable.Range(0, vectors).Select(t => Accumulator(r, t))], lanes);
        }
    }
}
