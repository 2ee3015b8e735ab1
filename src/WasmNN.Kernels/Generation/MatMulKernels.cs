using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>
/// Row-major matrix products <c>c[m,n] = sum_k a[m,k] b[k,n]</c>. The output is covered by register tiles: 4 rows by
/// 8 columns (two v128 per row, eight accumulators), then narrower tiles for the last columns and a one-row pass for
/// the last rows, so every shape runs without padding and the accumulation order per element is k = 0, 1, ...
/// </summary>
/// <remarks>
/// Column panels are the outer loop: each vector-wide panel of b (k x 8 or k x 4) is first copied to scratch k-major,
/// so the k loop of every tile steps every pointer by a constant. That is the loop shape the engine proves in bounds
/// once at entry and unrolls (a runtime row pitch would not qualify), worth about 2x here.
/// </remarks>
internal static class MatMulKernels
{
    private const int TileRows = 4;
    private const uint ScratchParameter = 6;

    /// <summary>Parameters: a, b, c, m, k, n, scratch (k * 32 bytes). Tiles: 4x8, 4x4, 4x1, then 1x8, 1x4, 1x1.</summary>
    public static void EmitFloat32(FunctionBuilder e)
    {
        var tiles = new TileLocals(e, ValueType.F32);
        uint k = 4, n = 5;
        var bVector0 = e.Local(ValueType.V128);
        var bVector1 = e.Local(ValueType.V128);
        var bScalar = e.Local(ValueType.F32);
        var aVector = e.Local(ValueType.V128);
        e.Get(k).I32(4).Op(Opcode.I32Mul).Set(tiles.RowBytesA);
        e.Get(n).I32(4).Op(Opcode.I32Mul).Set(tiles.RowBytesB);
        e.Get(n).I32(4).Op(Opcode.I32Mul).Set(tiles.RowBytesC);
        EmitTiledLoops(e, tiles, [8, 4, 1], width => width > 1, width =>
        {
            // Copy b[0..k, j..j+width] to scratch as k rows of width floats.
            e.I32(0).Set(tiles.K);
            e.Get(1).Get(tiles.J).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(tiles.PointerA[0]);
            e.Get(ScratchParameter).Set(tiles.PointerB);
            e.While(tiles.K, () => e.Get(k), 1, () =>
            {
                for (uint offset = 0; offset < width * 4; offset += 16)
                {
                    e.Get(tiles.PointerB).Get(tiles.PointerA[0]).Load(4, offset).Store(4, offset);
                }
                e.Increment(tiles.PointerB, width * 4).IncrementBy(tiles.PointerA[0], tiles.RowBytesB);
            });
        }, (rows, width) =>
        {
            bool packed = width > 1;
            tiles.Begin(elementBytesB: 4, packed);
            e.While(tiles.K, () => e.Get(k), 1, () =>
            {
                if (width == 1)
                {
                    e.Get(tiles.PointerB).Load(1).Set(bScalar);
                }
                else
                {
                    e.Get(tiles.PointerB).Load(4).Set(bVector0);
                    if (width == 8) e.Get(tiles.PointerB).Load(4, 16).Set(bVector1);
                }
                for (int r = 0; r < rows; r++)
                {
                    if (width == 1)
                    {
                        e.Get(tiles.Scalar[r]).Get(tiles.PointerA[r]).Load(1).Get(bScalar).Mul(1).Add(1).Set(tiles.Scalar[r]);
                    }
                    else
                    {
                        e.Get(tiles.PointerA[r]).Memory(Opcode.V128Load32Splat).Set(aVector);
                        e.Get(tiles.Vector[r, 0]).Get(aVector).Get(bVector0).Mul(4).Add(4).Set(tiles.Vector[r, 0]);
                        if (width == 8) e.Get(tiles.Vector[r, 1]).Get(aVector).Get(bVector1).Mul(4).Add(4).Set(tiles.Vector[r, 1]);
                    }
                    e.Increment(tiles.PointerA[r], 4);
                }
                if (packed) e.Increment(tiles.PointerB, width * 4);
                else e.IncrementBy(tiles.PointerB, tiles.RowBytesB);
            });
            tiles.Store(rows, width, elementBytesC: 4, Opcode.F32Store);
        });
        e.Finish();
    }

    /// <summary>
    /// Parameters: a, b, c, m, k, n, scratch (k * 8 bytes) with i8 a and b and i32 c. Per k, eight columns of b widen to i16x8
    /// (<c>v128.load8x8_s</c>); each row's a splats to i16x8; <c>i32x4.extmul_{low,high}_i16x8_s</c> gives exact
    /// 32-bit products. Tiles: 4x8, 4x1, then 1x8, 1x1.
    /// </summary>
    public static void EmitInt8(FunctionBuilder e)
    {
        var tiles = new TileLocals(e, ValueType.I32);
        uint k = 4, n = 5;
        var bWide = e.Local(ValueType.V128);
        var aWide = e.Local(ValueType.V128);
        var bScalar = e.Local();
        e.Get(k).Set(tiles.RowBytesA);
        e.Get(n).Set(tiles.RowBytesB);
        e.Get(n).I32(4).Op(Opcode.I32Mul).Set(tiles.RowBytesC);
        EmitTiledLoops(e, tiles, [8, 1], width => width == 8, width =>
        {
            // Copy b[0..k, j..j+8] to scratch as k rows of 8 bytes.
            e.I32(0).Set(tiles.K);
            e.Get(1).Get(tiles.J).Op(Opcode.I32Add).Set(tiles.PointerA[0]);
            e.Get(ScratchParameter).Set(tiles.PointerB);
            e.While(tiles.K, () => e.Get(k), 1, () =>
            {
                e.Get(tiles.PointerB).Get(tiles.PointerA[0]).Memory(Opcode.I64Load).Memory(Opcode.I64Store);
                e.Increment(tiles.PointerB, 8).IncrementBy(tiles.PointerA[0], tiles.RowBytesB);
            });
        }, (rows, width) =>
        {
            bool packed = width == 8;
            tiles.Begin(elementBytesB: 1, packed);
            e.While(tiles.K, () => e.Get(k), 1, () =>
            {
                if (width == 1) e.Get(tiles.PointerB).Memory(Opcode.I32Load8S).Set(bScalar);
                else e.Get(tiles.PointerB).Memory(Opcode.V128Load8x8S).Set(bWide);
                for (int r = 0; r < rows; r++)
                {
                    if (width == 1)
                    {
                        e.Get(tiles.Scalar[r]).Get(tiles.PointerA[r]).Memory(Opcode.I32Load8S).Get(bScalar).Op(Opcode.I32Mul)
                            .Op(Opcode.I32Add).Set(tiles.Scalar[r]);
                    }
                    else
                    {
                        e.Get(tiles.PointerA[r]).Memory(Opcode.I32Load8S).Op(Opcode.I16x8Splat).Set(aWide);
                        e.Get(tiles.Vector[r, 0]).Get(aWide).Get(bWide).Op(Opcode.I32x4ExtmulLowI16x8S).Op(Opcode.I32x4Add).Set(tiles.Vector[r, 0]);
                        e.Get(tiles.Vector[r, 1]).Get(aWide).Get(bWide).Op(Opcode.I32x4ExtmulHighI16x8S).Op(Opcode.I32x4Add).Set(tiles.Vector[r, 1]);
                    }
                    e.Increment(tiles.PointerA[r], 1);
                }
                if (packed) e.Increment(tiles.PointerB, 8);
                else e.IncrementBy(tiles.PointerB, tiles.RowBytesB);
            });
            tiles.Store(rows, width, elementBytesC: 4, Opcode.I32Store);
        });
        e.Finish();
    }

    /// <summary>
    /// <c>for j in column panels of each width: (pack the panel if packed(width)); for i in row blocks of 4, then of 1:
    /// tile(rows, width)</c>. The tile reads <see cref="TileLocals.I"/> and <see cref="TileLocals.J"/>.
    /// </summary>
    private static void EmitTiledLoops(FunctionBuilder e, TileLocals tiles, int[] widths, Func<int, bool> packed, Action<int> pack, Action<int, int> tile)
    {
        uint m = 3, n = 5;
        e.I32(0).Set(tiles.J);
        foreach (int width in widths)
        {
            e.While(tiles.J, () => e.Get(n).I32(width - 1).Op(Opcode.I32Sub), width, () =>
            {
                if (packed(width)) pack(width);
                e.I32(0).Set(tiles.I);
                foreach (int rows in (ReadOnlySpan<int>)[TileRows, 1])
                {
                    e.While(tiles.I, () => e.Get(m).I32(rows - 1).Op(Opcode.I32Sub), rows, () => tile(rows, width));
                }
            });
        }
    }

    /// <summary>The locals every tile shares: indices, row pointers into a, the pointer into b, and accumulators.</summary>
    private sealed class TileLocals
    {
        private readonly FunctionBuilder _e;
        private readonly ValueType _scalarType;

        public TileLocals(FunctionBuilder e, ValueType scalarType)
        {
            _e = e;
            _scalarType = scalarType;
            I = e.Local();
            J = e.Local();
            K = e.Local();
            RowBytesA = e.Local();
            RowBytesB = e.Local();
            RowBytesC = e.Local();
            PointerB = e.Local();
            PointerC = e.Local();
            for (int r = 0; r < TileRows; r++)
            {
                PointerA[r] = e.Local();
                Scalar[r] = e.Local(scalarType);
                Vector[r, 0] = e.Local(ValueType.V128);
                Vector[r, 1] = e.Local(ValueType.V128);
            }
        }

        public uint I { get; }
        public uint J { get; }
        public uint K { get; }
        public uint RowBytesA { get; }
        public uint RowBytesB { get; }
        public uint RowBytesC { get; }
        public uint PointerB { get; }
        public uint PointerC { get; }
        public uint[] PointerA { get; } = new uint[TileRows];
        public uint[] Scalar { get; } = new uint[TileRows];
        public uint[,] Vector { get; } = new uint[TileRows, 2];

        /// <summary>Points at a[i, 0] per row and at b[0, j] (or the packed panel); zeroes the accumulators; k = 0.</summary>
        public void Begin(int elementBytesB, bool packed)
        {
            var e = _e;
            uint a = 0, b = 1;
            e.Get(a).Get(I).Get(RowBytesA).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(PointerA[0]);
            for (int r = 1; r < TileRows; r++) e.Get(PointerA[r - 1]).Get(RowBytesA).Op(Opcode.I32Add).Set(PointerA[r]);
            if (packed) e.Get(ScratchParameter).Set(PointerB);
            else e.Get(b).Get(J).I32(elementBytesB).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(PointerB);
            for (int r = 0; r < TileRows; r++)
            {
                if (_scalarType == ValueType.F32) e.F32(0f); else e.I32(0);
                e.Set(Scalar[r]);
                e.I32(0).Op(Opcode.I32x4Splat).Set(Vector[r, 0]);
                e.I32(0).Op(Opcode.I32x4Splat).Set(Vector[r, 1]);
            }
            e.I32(0).Set(K);
        }

        /// <summary>Writes the tile's accumulators to c[i + r, j ..].</summary>
        public void Store(int rows, int width, int elementBytesC, Opcode scalarStore)
        {
            var e = _e;
            uint c = 2, n = 5;
            e.Get(c).Get(I).Get(n).Op(Opcode.I32Mul).Get(J).Op(Opcode.I32Add).I32(elementBytesC).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(PointerC);
            for (int r = 0; r < rows; r++)
            {
                if (width == 1)
                {
                    e.Get(PointerC).Get(Scalar[r]).Memory(scalarStore);
                }
                else
                {
                    e.Get(PointerC).Get(Vector[r, 0]).Memory(Opcode.V128Store);
                    if (width == 8) e.Get(PointerC).Get(Vector[r, 1]).Memory(Opcode.V128Store, 16);
                }
                if (r + 1 < rows) e.IncrementBy(PointerC, RowBytesC);
            }
        }
    }
}
