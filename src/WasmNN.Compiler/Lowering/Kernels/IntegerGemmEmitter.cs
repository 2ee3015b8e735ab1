using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The integer GEMM Y[M, N] = R[M, K] . C[K, N] on <c>i32x4.dot_i16x8_s</c> (XNNPACK's "c2" layout): both operands
/// are int16 with their zero points already subtracted, K in pairs. R is row-major with each row's pairs contiguous
/// ([M][K/2] pairs of int16, 4 bytes each); C is packed in panels of 8 columns, one after another, each k-major
/// ([K/2][8] pairs, <see cref="PanelBytes"/> each; columns past N are read but their outputs dropped). Then one
/// <c>v128.load32_splat</c> of R's pair and the two loads of a panel's pair row give, through the dot, 8 columns'
/// two-term sums: no horizontal reduction, and each accumulator holds 4 consecutive outputs of a row. Tiles are 4
/// rows by 8 columns (8 accumulators), so the k loop reads the panel and the 4 rows sequentially.
/// </summary>
/// <remarks>
/// The larger operand is walked once (as <see cref="GemmEmitter"/> does): when C is larger the panels are the outer
/// loop, so a panel (a few KiB) stays in L1 while every row block sweeps it; otherwise the row blocks are. Before
/// panels, C was one [K/2][N] matrix whose k rows lie N * 4 bytes apart, swept whole from beyond L2 for every block
/// of 4 rows: ResNet-50's 56 x 56 layers ran 3x slower than float32. Values are at most 255 in magnitude after the
/// zero point, so each pair sum fits easily and the int32 sums are exact, as onnxruntime's. Rows left over get a
/// smaller tile; the epilogue is told how many of an accumulator's 4 lanes are real.
/// </remarks>
internal static class IntegerGemmEmitter
{
    private const int TileRows = 4;

    /// <summary>Columns per panel (two vectors of 4 columns' pairs).</summary>
    public const int PanelColumns = 8;

    /// <summary>
    /// Finishes one row of a tile: row <c>rowBase + row</c>, columns <c>column</c> onwards, one accumulator per 4
    /// columns, of which <paramref name="lanes"/> (1-4 each) exist.
    /// </summary>
    public delegate void Epilogue(uint rowBase, int row, uint column, uint[] accumulators, int[] lanes);

    /// <summary>Pushes the i32x4 the accumulators of row <c>rowBase + row</c> start from (the bias), instead of zeros.</summary>
    public delegate void RowStart(uint rowBase, int row);

    /// <summary>N rounded up to whole panels.</summary>
    public static int PaddedColumns(int n) => (n + PanelColumns - 1) / PanelColumns * PanelColumns;

    /// <summary>Bytes of one packed panel: K/2 rows of 8 int16 pairs.</summary>
    public static int PanelBytes(int pairs) => pairs * PanelColumns * 4;

    /// <summary>Byte offset of column <paramref name="j"/>'s pair <paramref name="p"/> in the packed column operand.</summary>
    public static int ColumnOffset(int pairs, int p, int j) => (j / PanelColumns * PanelBytes(pairs)) + (p * PanelColumns * 4) + (j % PanelColumns * 4);

    /// <summary>Emits the product; <paramref name="rows"/> and <paramref name="columns"/> are the packed operands' addresses.</summary>
    /// <remarks>
    /// With <paramref name="relaxedColumnSums"/> the operands are <see cref="IntegerRelaxedDot"/>'s instead: k in
    /// quads of int8 (<paramref name="pairs"/> then counts quads), each step one
    /// <c>i32x4.relaxed_dot_i8x16_i7x16_add_s</c> of 4 columns' quads by a row's quad splat, and the table at that
    /// address (64 times each column's sum, one i32 per column) subtracted from the sums before the epilogue.
    /// </remarks>
    public static void Emit(FunctionBuilder w, int m, int n, int pairs, int rows, int columns, Epilogue epilogue, RowStart? rowStart = null, int? relaxedColumnSums = null)
    {
        var (rowBase, column, k, rowPointer, columnPointer) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        var accumulators = Enumerable.Range(0, TileRows * 2).Select(_ => w.Local(ValueType.V128)).ToArray();
        var (columnLow, columnHigh, weight) = (w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local(ValueType.V128));
        var fullRows = m / TileRows * TileRows;
        var fullColumns = n / PanelColumns * PanelColumns;
        var leftColumns = n - fullColumns;
        int[] leftLanes = leftColumns > 4 ? [4, leftColumns - 4] : [leftColumns];

        void Tile(int tileRows, int[] lanes) =>
            EmitTile(w, tileRows, lanes, pairs, rows, columns, rowBase, column, k, rowPointer, columnPointer, accumulators, columnLow, columnHigh, weight, epilogue, rowStart, relaxedColumnSums);

        void RowBlocks(int[] lanes)
        {
            if (fullRows > 0)
            {
                w.For(rowBase, 0, fullRows, TileRows, () => Tile(TileRows, lanes));
            }
            if (m > fullRows)
            {
                w.I32(fullRows).Set(rowBase);
                Tile(m - fullRows, lanes);
            }
        }

        void Panels(Action<int[]> body)
        {
            if (fullColumns > 0)
            {
                w.For(column, 0, fullColumns, PanelColumns, () => body([4, 4]));
            }
            if (leftColumns > 0)
            {
                w.I32(fullColumns).Set(column);
                body(leftLanes);
            }
        }

        if ((long)m > PaddedColumns(n))
        {
            // R is the larger operand: each block of rows once, sweeping every panel.
            void Rows(int tileRows) => Panels(lanes => Tile(tileRows, lanes));
            if (fullRows > 0)
            {
                w.For(rowBase, 0, fullRows, TileRows, () => Rows(TileRows));
            }
            if (m > fullRows)
            {
                w.I32(fullRows).Set(rowBase);
                Rows(m - fullRows);
            }
        }
        else
        {
            Panels(RowBlocks);
        }
    }

    private static void EmitTile(FunctionBuilder w, int tileRows, int[] lanes, int pairs, int rows, int columns,
        uint rowBase, uint column, uint k, uint rowPointer, uint columnPointer, uint[] accumulators, uint columnLow, uint columnHigh, uint weight, Epilogue epilogue,
        RowStart? rowStart, int? relaxedColumnSums)
    {
        var vectors = lanes.Length;
        uint Accumulator(int r, int t) => accumulators[r * 2 + t];
        for (var r = 0; r < tileRows; r++)
        {
            for (var t = 0; t < vectors; t++)
            {
                if (rowStart is null)
                {
                    w.Code.V128Const(default);
                }
                else if (t == 0)
                {
                    rowStart(rowBase, r);
                }
                else
                {
                    w.Get(Accumulator(r, 0));
                }
                w.Set(Accumulator(r, t));
            }
        }
        // rowPointer = rows + rowBase * pairs * 4; columnPointer = the panel at column (column * pairs * 4 = panel * PanelBytes).
        w.Get(rowBase).I32(pairs * 4).Op(Opcode.I32Mul).I32(rows).Op(Opcode.I32Add).Set(rowPointer);
        w.Get(column).I32(pairs * 4).Op(Opcode.I32Mul).I32(columns).Op(Opcode.I32Add).Set(columnPointer);
        var columnVectors = new[] { columnLow, columnHigh };
        w.For(k, 0, pairs, 1, () =>
        {
            for (var t = 0; t < vectors; t++)
            {
                w.Get(columnPointer).Memory(Opcode.V128Load, (uint)(16 * t)).Set(columnVectors[t]);
            }
            for (var r = 0; r < tileRows; r++)
            {
                w.Get(rowPointer).Memory(Opcode.V128Load32Splat, (uint)(r * pairs * 4)).Set(weight);
                for (var t = 0; t < vectors; t++)
                {
                    if (relaxedColumnSums is null)
                    {
                        w.Get(Accumulator(r, t)).Get(weight).Get(columnVectors[t]).Op(Opcode.I32x4DotI16x8S).Op(Opcode.I32x4Add).Set(Accumulator(r, t));
                    }
                    else
                    {
                        // The columns are the int8 operand, the weights the 7-bit one.
                        w.Get(columnVectors[t]).Get(weight).Get(Accumulator(r, t)).Op(Opcode.I32x4RelaxedDotI8x16I7x16AddS).Set(Accumulator(r, t));
                    }
                }
            }
            w.Increment(rowPointer, 4).Increment(columnPointer, PanelColumns * 4);
        });
        if (relaxedColumnSums is { } sums)
        {
            for (var t = 0; t < vectors; t++)
            {
                var columnSum = columnVectors[t];
                w.Get(column).I32(4).Op(Opcode.I32Mul).Memory(Opcode.V128Load, (uint)(sums + (16 * t))).Set(columnSum);
                for (var r = 0; r < tileRows; r++)
                {
                    w.Get(Accumulator(r, t)).Get(columnSum).Op(Opcode.I32x4Sub).Set(Accumulator(r, t));
                }
            }
        }
        for (var r = 0; r < tileRows; r++)
        {
            epilogue(rowBase, r, column, [.. Enumerable.Range(0, vectors).Select(t => Accumulator(r, t))], lanes);
        }
    }
}
