using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The Reduce* operators on float64, computed in double as the ONNX spec says (the float32
/// <see cref="ReduceKernel"/> would lose precision): the same axis grouping, one f64 accumulator per output, and
/// the double exp and log of <see cref="FloatMath"/> for the log-sum forms.
/// </summary>
internal sealed class Float64ReduceKernel : IKernelLowering
{
    private sealed record Reduction(double Identity, Opcode Combine, Action<FunctionBuilder>? Before = null, Action<FunctionBuilder, int>? After = null);

    private static readonly Dictionary<string, Reduction> s_reductions = new()
    {
        ["ReduceSum"] = new(0, Opcode.F64Add),
        ["ReduceMean"] = new(0, Opcode.F64Add, After: (w, count) => w.F64(count).Op(Opcode.F64Div)),
        ["ReduceMax"] = new(double.NegativeInfinity, Opcode.F64Max),
        ["ReduceMin"] = new(double.PositiveInfinity, Opcode.F64Min),
        ["ReduceProd"] = new(1, Opcode.F64Mul),
        ["ReduceSumSquare"] = new(0, Opcode.F64Add, Before: Square),
        ["ReduceL1"] = new(0, Opcode.F64Add, Before: w => w.Op(Opcode.F64Abs)),
        ["ReduceL2"] = new(0, Opcode.F64Add, Before: Square, After: (w, _) => w.Op(Opcode.F64Sqrt)),
        ["ReduceLogSum"] = new(0, Opcode.F64Add, After: (w, _) => w.Log64()),
        ["ReduceLogSumExp"] = new(0, Opcode.F64Add, Before: w => w.Exp64(), After: (w, _) => w.Log64()),
    };

    public IEnumerable<string> OpTypes => s_reductions.Keys;

    public bool Covers(Node node) => node.Inputs[0]!.ElementType == DataType.Float64;

    public string? Unsupported(Node node) => ReduceKernel.UnsupportedAxes(node);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var shape = x.Shape!;
        int source = context.Address(x), destination = context.Address(node.Outputs[0]!);
        if (ReduceKernel.ReducedDimensions(node) is not { } reduced)
        {
            w.Copy(() => w.I32(destination), () => w.I32(source), Shapes.ElementCount(shape) * sizeof(double));
            return;
        }
        var reduction = s_reductions[node.OpType];
        var groups = ReduceKernel.Group(shape, reduced);
        var count = groups.Where(g => g.Reduced).Aggregate(1, (p, g) => p * g.Size);
        var inputStrides = Shapes.Strides([.. groups.Select(g => g.Size)]).Select(s => s * sizeof(double)).ToArray();
        var kept = Enumerable.Range(0, groups.Count).Where(i => !groups[i].Reduced).ToArray();
        var summed = Enumerable.Range(0, groups.Count).Where(i => groups[i].Reduced).ToArray();
        var outputStrides = Shapes.Strides([.. kept.Select(i => groups[i].Size)]).Select(s => s * sizeof(double)).ToArray();
        var accumulator = w.Local(ValueType.F64);
        var rowBase = w.Local(ValueType.I32);
        KernelLoops.Nest(w, [.. kept.Select(i => groups[i].Size)], keptCounters =>
        {
            w.F64(reduction.Identity).Set(accumulator);
            KernelLoops.PushAddress(w, source, keptCounters, [.. kept.Select(i => inputStrides[i])]);
            w.Set(rowBase);
            KernelLoops.Nest(w, [.. summed.Select(i => groups[i].Size)], reducedCounters =>
            {
                w.Get(accumulator);
                KernelLoops.PushAddress(w, 0, reducedCounters, [.. summed.Select(i => inputStrides[i])]);
                w.Get(rowBase).Op(Opcode.I32Add).Memory(Opcode.F64Load);
                reduction.Before?.Invoke(w);
                w.Op(reduction.Combine).Set(accumulator);
            });
            KernelLoops.PushAddress(w, destination, keptCounters, outputStrides);
            w.Get(accumulator);
            reduction.After?.Invoke(w, count);
            w.Memory(Opcode.F64Store);
        });
    }

    private static void Square(FunctionBuilder w)
    {
        var value = w.Local(ValueType.F64);
        w.Tee(value).Get(value).Op(Opcode.F64Mul);
    }
}
