using System.Runtime.InteropServices;
using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// The end of <c>wasmnn_run</c> for outputs of run-time length (docs/ABI.md): each output's dimension record (one
/// i32 per axis, static entries placed as data) receives the run's lengths, and the data, which kernels left in the
/// leading corner of the maximum-shaped buffer, is moved to the start of the buffer as a dense row-major tensor of
/// the actual shape, so a host reads the output as it would a static one.
/// </summary>
internal static class OutputDims
{
    /// <summary>Places the dimension record of every output; returns their addresses in output order.</summary>
    public static int[] PlaceRecords(LoweringContext context, IReadOnlyList<Value> outputs) =>
        [.. outputs.Select((o, i) => context.AddBytes($"{Abi.ModelAbi.OutputDims}/{i}", MemoryMarshal.AsBytes(o.Shape!.AsSpan()).ToArray()))];

    /// <summary>Emits, for each output with run-time dimensions, the record update and the move to dense layout.</summary>
    public static void EmitReports(FunctionBuilder w, LoweringContext context, IReadOnlyList<Value> outputs, int[] records, int[] addresses)
    {
        for (var i = 0; i < outputs.Count; i++)
        {
            if (outputs[i].RuntimeDims is not { } dims)
            {
                continue;
            }
            for (var d = 0; d < dims.Length; d++)
            {
                if (dims[d] is { } length)
                {
                    w.I32(records[i] + d * 4).I32(context.LengthAddress(length)).Load32().Store32();
                }
            }
            Compact(w, context, outputs[i], addresses[i]);
        }
    }

    /// <summary>
    /// Copies each innermost block (the axes after the last run-time one) from its place at the maximum's strides to
    /// the next dense position. Dense positions never pass padded ones, so copying in order is safe in place. Nothing
    /// to move when only the outermost non-unit axis is run-time: the corner is then already the dense prefix.
    /// </summary>
    private static void Compact(FunctionBuilder w, LoweringContext context, Value output, int address)
    {
        var shape = output.Shape!;
        var dims = output.RuntimeDims!;
        var last = Array.FindLastIndex(dims, d => d is not null);
        var first = Array.FindIndex(dims, d => d is not null);
        if (first == last && shape[..first].All(s => s == 1))
        {
            return;
        }
        var strides = Shapes.Strides(shape);
        var size = output.ElementType.ByteSize();
        var block = Shapes.ElementCount(shape[(last + 1)..]) * size;
        if (block == 0)
        {
            return;
        }
        var counters = Enumerable.Range(0, last + 1).Select(_ => w.Local()).ToArray();
        var destination = w.Local();
        w.I32(address).Set(destination);
        void Level(int d)
        {
            if (d > last)
            {
                w.Get(destination);
                w.I32(address);
                for (var k = 0; k <= last; k++)
                {
                    w.Get(counters[k]).I32(strides[k] * size).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                }
                w.I32(block).Code.Emit(Opcode.MemoryCopy, 0, 0);
                w.Increment(destination, block);
                return;
            }
            if (dims[d] is { } length)
            {
                var slot = context.LengthAddress(length);
                w.ForDynamic(counters[d], () => w.I32(0), () => w.I32(slot).Load32(), 1, () => Level(d + 1));
            }
            else
            {
                w.For(counters[d], 0, shape[d], 1, () => Level(d + 1));
            }
        }
        Level(0);
    }
}
