using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Where one output dimension reads from: input element offset <c>Start + t * Step</c> for the t-th index of the
/// written box along that dimension, or <c>Table[t]</c> when the pattern is not affine (Tile, reflect padding,
/// Gather).
/// </summary>
internal sealed record DimensionMap(int Start, int Step, int[]? Table = null)
{
    public static DimensionMap Affine(int start, int step) => new(start, step);

    public static DimensionMap Lookup(int[] offsets) => new(0, 0, offsets);

    public bool IsAffine => Table is null;

    public int At(int t) => Table?[t] ?? Start + t * Step;
}

/// <summary>
/// Copies elements for the injective operators (Transpose, Slice, Split, Tile, Expand, Pad, Gather): every element of
/// an output box reads the input element whose offset is the sum of one <see cref="DimensionMap"/> per dimension.
/// Dimensions that stay contiguous are merged; an innermost run that is contiguous on both sides becomes one
/// <c>memory.copy</c>, others copy element by element (non-affine offsets come from i32 tables in the data segment).
/// </summary>
internal static class IndexMapEmitter
{
    /// <summary>
    /// Writes the box at <paramref name="boxStart"/> of size <paramref name="boxSize"/> inside the output of
    /// <paramref name="outputShape"/> (at <paramref name="destination"/>) from the input at <paramref name="source"/>.
    /// </summary>
    public static void Emit(LoweringContext context, FunctionBuilder w, string key, int elementBytes, int source, int destination,
        int[] outputShape, int[] boxStart, int[] boxSize, DimensionMap[] maps)
    {
        if (boxSize.Any(s => s == 0))
        {
            return;
        }
        var outputStrides = Shapes.Strides(outputShape);
        // Fold the box origin and size-1 dimensions into the base addresses; keep the rest.
        var inputBase = source;
        var outputBase = destination;
        var dims = new List<(int Size, int OutputStride, DimensionMap Map)>();
        for (var d = 0; d < outputShape.Length; d++)
        {
            outputBase += boxStart[d] * outputStrides[d] * elementBytes;
            if (boxSize[d] == 1)
            {
                inputBase += maps[d].At(0) * elementBytes;
                continue;
            }
            var map = maps[d];
            if (map.IsAffine)
            {
                inputBase += map.Start * elementBytes;
                map = DimensionMap.Affine(0, map.Step);
            }
            var last = dims.Count - 1;
            if (last >= 0 && dims[last].Map.IsAffine && map.IsAffine
                && dims[last].OutputStride == outputStrides[d] * boxSize[d] && dims[last].Map.Step == map.Step * boxSize[d])
            {
                dims[last] = (dims[last].Size * boxSize[d], outputStrides[d], map);
                continue;
            }
            dims.Add((boxSize[d], outputStrides[d], map));
        }
        if (dims.Count == 0)
        {
            dims.Add((1, 1, DimensionMap.Affine(0, 1)));
        }
        var tables = dims.Select((dim, i) => dim.Map.Table is { } table
            ? context.AddBytes($"{key}/table{i}", [.. table.SelectMany(t => BitConverter.GetBytes(t * elementBytes))])
            : -1).ToArray();
        var inner = dims[^1];
        var src = w.Local(ValueType.I32);
        var dst = w.Local(ValueType.I32);
        KernelLoops.Nest(w, [.. dims[..^1].Select(d => d.Size)], counters =>
        {
            w.I32(inputBase);
            for (var d = 0; d < counters.Length; d++)
            {
                PushOffset(w, counters[d], dims[d].Map, tables[d], elementBytes);
                w.Op(Opcode.I32Add);
            }
            w.Set(src);
            KernelLoops.PushAddress(w, outputBase, counters, [.. dims[..^1].Select(d => d.OutputStride * elementBytes)]);
            w.Set(dst);
            if (inner.Map.IsAffine && inner.Map.Step == 1 && inner.OutputStride == 1)
            {
                w.Copy(() => w.Get(dst), () => w.Get(src), inner.Size * elementBytes);
                return;
            }
            var j = w.Local(ValueType.I32);
            w.For(j, 0, inner.Size, 1, () =>
            {
                w.Get(dst).Get(j).I32(inner.OutputStride * elementBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                w.Get(src);
                PushOffset(w, j, inner.Map, tables[^1], elementBytes);
                w.Op(Opcode.I32Add);
                CopyElement(w, elementBytes);
            });
        });
    }

    /// <summary>Fills <paramref name="count"/> elements at <paramref name="destination"/> with the bit pattern <paramref name="bits"/>.</summary>
    public static void Fill(FunctionBuilder w, int destination, int count, int elementBytes, long bits)
    {
        if (bits == 0 || count == 0)
        {
            w.Zero(() => w.I32(destination), count * elementBytes);
            return;
        }
        var i = w.Local(ValueType.I32);
        w.For(i, 0, count * elementBytes, elementBytes, () =>
        {
            w.Get(i);
            switch (elementBytes)
            {
                case 8: w.Code.I64Const(bits); w.Code.EmitMemArg(Opcode.I64Store, 3, (uint)destination); break;
                case 4: w.I32((int)bits); w.Code.EmitMemArg(Opcode.I32Store, 2, (uint)destination); break;
                case 2: w.I32((int)bits); w.Code.EmitMemArg(Opcode.I32Store16, 1, (uint)destination); break;
                default: w.I32((int)bits); w.Code.EmitMemArg(Opcode.I32Store8, 0, (uint)destination); break;
            }
        });
    }

    private static void PushOffset(FunctionBuilder w, uint counter, DimensionMap map, int table, int elementBytes)
    {
        if (map.IsAffine)
        {
            w.Get(counter).I32(map.Step * elementBytes).Op(Opcode.I32Mul);
        }
        else
        {
            w.Get(counter).I32(4).Op(Opcode.I32Mul).Code.EmitMemArg(Opcode.I32Load, 2, (uint)table);
        }
    }

    /// <summary>Copies one element: destination address, source address on the stack.</summary>
    private static void CopyElement(FunctionBuilder w, int elementBytes)
    {
        switch (elementBytes)
        {
            case 8:
                w.Code.EmitMemArg(Opcode.I64Load, 3, 0);
                w.Code.EmitMemArg(Opcode.I64Store, 3, 0);
                break;
            case 4:
                w.Code.EmitMemArg(Opcode.I32Load, 2, 0);
                w.Code.EmitMemArg(Opcode.I32Store, 2, 0);
                break;
            case 2:
                w.Code.EmitMemArg(Opcode.I32Load16U, 1, 0);
                w.Code.EmitMemArg(Opcode.I32Store16, 1, 0);
                break;
            case 1:
                w.Code.EmitMemArg(Opcode.I32Load8U, 0, 0);
                w.Code.EmitMemArg(Opcode.I32Store8, 0, 0);
                break;
            default:
                throw new UnsupportedOperatorException($"cannot copy {elementBytes}-byte elements");
        }
    }
}
