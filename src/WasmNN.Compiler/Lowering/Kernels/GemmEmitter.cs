using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>How a bias term is broadcast over C[M, N].</summary>
internal enum BiasKind
{
    /// <summary>No bias.</summary>
    None,
    /// <summary>One value per row m (a convolution's output channel).</summary>
    Row,
    /// <summary>One value per column n (a fully connected layer's output).</summary>
    Column,
    /// <summary>A full M x N matrix.</summary>
    Full,
    /// <summary>One value for everything.</summary>
    Scalar,
}

/// <summary>The shape of one GEMM: C[M, N] = alpha A[M, K] B[K, N] + beta bias, all row-major with the given leading dimensions.</summary>
internal sealed record GemmShape(int M, int N, int K, int Lda, int Ldb, int Ldc)
{
    public float Alpha { get; init; } = 1;

    public float Beta { get; init; } = 1;

    public BiasKind Bias { get; init; } = BiasKind.None;

    /// <summary>Byte address of the bias data (Row/Column/Full/Scalar).</summary>
    public int BiasAddress { get; init; }

    /// <summary>
    /// A is packed by <see cref="GemmPacking.PackRowPanels"/>: each block of four rows stored k-major
    /// ([K][4]), the last M mod 4 rows row-major; requires Lda = K.
    /// </summary>
    public bool PackedA { get; init; }

    /// <summary>
    /// B is packed by <see cref="GemmPacking.EmitPackColumnPanels"/>: each column panel of the emitter stored
    /// k-major ([K][columns]) one after another, so the panel starting at column n0 begins at element n0 * K.
    /// </summary>
    public bool PackedB { get; init; }
}

/// <summary>
/// A register-blocked GEMM: the output is walked in column panels of 8 (two f32x4), then 4, then single columns,
/// and in blocks of 4 rows, then single rows; each tile (4 x 8 at most) holds its accumulators in locals over the
/// whole K loop (B's row loaded once per k, A broadcast per row). The bias and a fused epilogue are applied to the
/// accumulators before the one store of each output vector. The larger operand is walked once: when A (M x K) is
/// bigger than B (K x N) the row blocks are the outer loop, so a block of A stays in cache while B is swept, and
/// the other way round otherwise. With packed operands (see <see cref="GemmShape.PackedA"/>,
/// <see cref="GemmShape.PackedB"/>) every load of the K loop is at a constant offset from a pointer that steps
/// through contiguous memory.
/// </summary>
internal static class GemmEmitter
{
    /// <summary>Applies an epilogue to the accumulator local for the output lanes whose address is in a local; returns the result local.</summary>
    public delegate uint Epilogue(FunctionBuilder w, int width, uint accumulator, uint outputAddress);

    /// <summary>
    /// Emits the GEMM with A, B and C base addresses read from locals <paramref name="a"/>, <paramref name="b"/>,
    /// <paramref name="c"/> (so callers can loop over groups and batches).
    /// </summary>
    /// <remarks>
    /// With <paramref name="columnRange"/> (two locals, a worker's share: multiples of the widest panel but the
    /// end) only the columns in <c>[begin, end)</c> are computed, each in the same kind of tile as without it; with
    /// <paramref name="rowRange"/> (multiples of 4 but the end) likewise only the rows in its range.
    /// With <paramref name="fusedMultiplyAdd"/> the tile accumulates with relaxed SIMD's <c>f32x4.relaxed_madd</c>
    /// (fused or not, the host's choice) instead of <c>f32x4.mul</c> + <c>f32x4.add</c>; only for modules built
    /// with <c>--relaxed-simd</c>.
    /// </remarks>
    public static void Emit(FunctionBuilder w, int width, GemmShape g, uint a, uint b, uint c, Epilogue? epilogue, uint? rowBiasOffset = null,
        bool fusedMultiplyAdd = false, (uint Begin, uint End)? columnRange = null, (uint Begin, uint End)? rowRange = null)
    {
        if (g.PackedA && g.Lda != g.K)
        {
            throw new ArgumentException("a packed A needs lda = K", nameof(g));
        }
        var n0 = w.Local(ValueType.I32);
        var m0 = w.Local(ValueType.I32);
        var k = w.Local(ValueType.I32);
        var aPtr = w.Local(ValueType.I32);
        var bPtr = w.Local(ValueType.I32);
        var cPtr = w.Local(ValueType.I32);
        var address = w.Local(ValueType.I32);
        var panels = Panels(width);
        var rowEnd = g.M / 4 * 4;
        if (width == FunctionBuilder.VectorWidth && g.N == 1 && g.Ldc == 1 && g.PackedA && rowEnd > 0 && columnRange is null && rowRange is null)
        {
            // One column (a 1 x 1 convolution on a 1 x 1 plane: squeeze-excite): the lanes of a vector are 4 rows.
            var tileEnd = g.M / RowVectorTileRows * RowVectorTileRows;
            w.For(m0, 0, tileEnd, RowVectorTileRows, () => RowVectorTile(RowVectorTileRows / 4));
            w.For(m0, tileEnd, rowEnd, 4, () => RowVectorTile(1));
            w.For(m0, rowEnd, g.M, 1, () =>
            {
                w.I32(0).Set(n0);
                Tile(1, 1, 1);
            });
            return;
        }
        if ((long)g.M * g.K > (long)g.K * g.N)
        {
            RowLoop(0, rowEnd, 4, () => ColumnPanels(4));
            RowLoop(rowEnd, g.M, 1, () => ColumnPanels(1));
        }
        else
        {
            var start = 0;
            foreach (var (columns, lanes) in panels)
            {
                var end = start + (g.N - start) / columns * columns;
                PanelLoop(start, end, columns, () =>
                {
                    RowLoop(0, rowEnd, 4, () => Tile(4, columns, lanes));
                    RowLoop(rowEnd, g.M, 1, () => Tile(1, columns, lanes));
                });
                start = end;
            }
        }

        void ColumnPanels(int rows)
        {
            var start = 0;
            foreach (var (columns, lanes) in panels)
            {
                var end = start + (g.N - start) / columns * columns;
                PanelLoop(start, end, columns, () => Tile(rows, columns, lanes));
                start = end;
            }
        }

        void RowLoop(int start, int end, int rows, Action body)
        {
            if (rowRange is { } range)
            {
                WorkerShare.ForClipped(w, m0, start, end, rows, range.Begin, range.End, body);
            }
            else
            {
                w.For(m0, start, end, rows, body);
            }
        }

        void PanelLoop(int start, int end, int columns, Action body)
        {
            if (columnRange is { } range)
            {
                WorkerShare.ForClipped(w, n0, start, end, columns, range.Begin, range.End, body);
            }
            else
            {
                w.For(n0, start, end, columns, body);
            }
        }

        void Tile(int rows, int columns, int lanes)
        {
            var vectors = columns / lanes;
            var acc = new uint[rows, vectors];
            for (var r = 0; r < rows; r++)
            {
                for (var v = 0; v < vectors; v++)
                {
                    acc[r, v] = w.VectorLocal(lanes);
                    w.Constant(lanes, 0).Set(acc[r, v]);
                }
            }
            var bRow = Enumerable.Range(0, vectors).Select(_ => w.VectorLocal(lanes)).ToArray();
            // aPtr = a + m0 * lda * 4 (also the start of a packed block of rows); bPtr = b + n0 * 4, or the start of the
            // packed panel at n0.
            var packedRows = g.PackedA && rows == 4;
            w.Get(a).Get(m0).I32(g.Lda * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(aPtr);
            w.Get(b).Get(n0).I32((g.PackedB ? g.K : 1) * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(bPtr);
            // Every load of the K loop is at a constant offset from one of the two pointers. One broadcast of A is
            // live at a time, and the loop is not unrolled: both measured 1.6x slower on V8 (register pressure).
            var aStep = (packedRows ? 4 : 1) * 4;
            var bStep = (g.PackedB ? columns : g.Ldb) * 4;
            var aValue = w.VectorLocal(lanes);
            void Step(int unrolled)
            {
                for (var v = 0; v < vectors; v++)
                {
                    w.Get(bPtr).Load(lanes, (uint)((unrolled * bStep) + (v * lanes * 4))).Set(bRow[v]);
                }
                for (var r = 0; r < rows; r++)
                {
                    w.Get(aPtr).LoadSplat(lanes, (uint)((unrolled * aStep) + ((packedRows ? r : r * g.Lda) * 4))).Set(aValue);
                    for (var v = 0; v < vectors; v++)
                    {
                        MultiplyAccumulate(w, lanes, acc[r, v], aValue, bRow[v], fusedMultiplyAdd);
                    }
                }
            }
            w.For(k, 0, g.K, 1, () =>
            {
                Step(0);
                w.Increment(aPtr, aStep).Increment(bPtr, bStep);
            });
            // cPtr = c + (m0 * ldc + n0) * 4.
            w.Get(c).Get(m0).I32(g.Ldc).Op(Opcode.I32Mul).Get(n0).Op(Opcode.I32Add).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(cPtr);
            for (var r = 0; r < rows; r++)
            {
                for (var v = 0; v < vectors; v++)
                {
                    var (row, column) = (r, v * lanes);
                    Store(acc[r, v], lanes, (r * g.Ldc + column) * 4, () => PushBias(row, column, lanes));
                }
            }
        }

        // Rows m0 .. m0 + 4 blocks - 1 of the single column, each block of 4 rows in one f32x4 (packed A stores a
        // block's 4 rows side by side at every k). Each lane adds the same products in the same order (multiply, then
        // add, also with relaxed SIMD) as the scalar 4 x 1 tile it replaces, so every output keeps its bits; up to 4
        // blocks at once so the accumulators' add latencies overlap (one block was no faster than the scalar tile).
        void RowVectorTile(int blocks)
        {
            var acc = new uint[blocks];
            for (var j = 0; j < blocks; j++)
            {
                acc[j] = w.VectorLocal(width);
                w.Constant(width, 0).Set(acc[j]);
            }
            var bValue = w.VectorLocal(width);
            var blockBytes = g.K * 4 * 4;
            var bStep = (g.PackedB ? 1 : g.Ldb) * 4;
            w.Get(a).Get(m0).I32(g.Lda * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(aPtr);
            w.Get(b).Set(bPtr);
            w.For(k, 0, g.K, 1, () =>
            {
                w.Get(bPtr).LoadSplat(width).Set(bValue);
                for (var j = 0; j < blocks; j++)
                {
                    w.Get(acc[j]).Get(aPtr).Load(width, (uint)(j * blockBytes)).Get(bValue).Mul(width).Add(width).Set(acc[j]);
                }
                w.Increment(aPtr, 16).Increment(bPtr, bStep);
            });
            w.Get(c).Get(m0).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(cPtr);
            for (var j = 0; j < blocks; j++)
            {
                var offset = j * 16;
                Store(acc[j], width, offset, () =>
                {
                    if (g.Bias is BiasKind.Row or BiasKind.Full)
                    {
                        // Rows m .. m + 3 (Full: elements (m, 0) .., the same with one column).
                        w.Get(m0).I32(4).Op(Opcode.I32Mul);
                        if (g.Bias == BiasKind.Row && rowBiasOffset is { } extra)
                        {
                            w.Get(extra).Op(Opcode.I32Add);
                        }
                        w.Load(width, (uint)(g.BiasAddress + offset));
                    }
                    else
                    {
                        w.I32(g.BiasAddress).LoadSplat(width); // Column (column 0) or Scalar
                    }
                });
            }
        }

        // Finishes an accumulator (alpha, bias times beta, epilogue) and stores it at cPtr + offset.
        void Store(uint value, int lanes, int offset, Action pushBias)
        {
            if (g.Alpha != 1)
            {
                w.Get(value).Constant(lanes, g.Alpha).Mul(lanes).Set(value);
            }
            if (g.Bias != BiasKind.None)
            {
                w.Get(value);
                pushBias();
                if (g.Beta != 1)
                {
                    w.Constant(lanes, g.Beta).Mul(lanes);
                }
                w.Add(lanes).Set(value);
            }
            if (epilogue is not null)
            {
                w.GetPlus(cPtr, offset).Set(address);
                value = epilogue(w, lanes, value, address);
            }
            w.Get(cPtr).Get(value).Store(lanes, (uint)offset);
        }

        void PushBias(int row, int column, int lanes)
        {
            switch (g.Bias)
            {
                case BiasKind.Row:
                    w.Get(m0).I32(4).Op(Opcode.I32Mul);
                    if (rowBiasOffset is { } extra)
                    {
                        w.Get(extra).Op(Opcode.I32Add);
                    }
                    w.LoadSplat(lanes, (uint)(g.BiasAddress + row * 4));
                    break;
                case BiasKind.Column:
                    w.Get(n0).I32(4).Op(Opcode.I32Mul).Load(lanes, (uint)(g.BiasAddress + column * 4));
                    break;
                case BiasKind.Full:
                    // Same flat position as C when C is dense M x N.
                    w.Get(m0).I32(g.N).Op(Opcode.I32Mul).Get(n0).Op(Opcode.I32Add).I32(4).Op(Opcode.I32Mul)
                        .Load(lanes, (uint)(g.BiasAddress + (row * g.N + column) * 4));
                    break;
                case BiasKind.Scalar:
                    w.I32(g.BiasAddress).LoadSplat(lanes);
                    break;
            }
        }
    }

    /// <summary><c>accumulator += a * b</c> over <paramref name="lanes"/> lanes.</summary>
    private static void MultiplyAccumulate(FunctionBuilder w, int lanes, uint accumulator, uint a, uint b, bool fusedMultiplyAdd)
    {
        if (fusedMultiplyAdd && lanes == 4)
        {
            w.Get(a).Get(b).Get(accumulator).Op(Opcode.F32x4RelaxedMadd).Set(accumulator);
        }
        else
        {
            w.Get(accumulator).Get(a).Get(b).Mul(lanes).Add(lanes).Set(accumulator);
        }
    }

    /// <summary>Rows of the widest single-column tile (<c>RowVectorTile</c>): 4 blocks of 4.</summary>
    private const int RowVectorTileRows = 16;

    /// <summary>The column panels in the order the emitter walks them: (columns per tile, lanes per vector).</summary>
    public static IReadOnlyList<(int Columns, int Lanes)> Panels(int width) => width == 4 ? [(8, 4), (4, 4), (1, 1)] : [(4, 1), (1, 1)];
}
