using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Resize and Upsample with constant scales/sizes/roi. The per-axis source indices and weights are computed at
/// compile time (<see cref="ResizeGeometry"/>). Nearest is a pure gather through per-axis index tables; linear and
/// cubic run one pass per resized axis (last first, as the reference does), each a weighted sum of 2 or 4 gathered
/// rows read from i32 offset and f32 weight tables in the data segment, vectorised over the contiguous inner
/// elements. Passes between the first and the last ping-pong through the scratch area.
/// </summary>
internal sealed class ResizeKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Resize", "Upsample"];

    public string? Unsupported(Node node)
    {
        var x = node.Inputs[0]!;
        var a = node.GetAttributes<ResizeAttributes>();
        for (var i = 1; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i] is { IsConstant: false } v && node.Operator.RequiresConstantInput(a, i)
                && (i != a.RoiInput || a.CoordinateTransformationMode == "tf_crop_and_resize"))
            {
                return $"input '{v.Name}' (scales, sizes or roi) is computed at run time; it must be a constant after folding";
            }
        }
        var plan = Plan(node);
        if (Passes(plan).Any(d => !plan.Axes[d].IsGather) && x.ElementType != DataType.Float32)
        {
            return $"{a.Mode} interpolation needs float32 data, got {x.ElementType}";
        }
        return InjectiveKernels.UnsupportedElement(x);
    }

    public long ScratchBytes(Node node, LoweringOptions options)
    {
        var plan = Plan(node);
        var passes = Passes(plan);
        if (passes.Count == 0 || passes.All(d => plan.Axes[d].IsGather))
        {
            return 0;
        }
        // Two buffers large enough for any intermediate (all shapes between input and output).
        var shape = (int[])node.Inputs[0]!.Shape!.Clone();
        long largest = 0;
        foreach (var d in passes.SkipLast(1))
        {
            shape[d] = plan.Axes[d].OutputSize;
            largest = Math.Max(largest, Shapes.ElementCount(shape) * 4L);
        }
        return 2 * PlanAlign(largest);
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var plan = Plan(node);
        var shape = x.Shape!;
        var passes = Passes(plan);
        var elementBytes = x.ElementType.ByteSize();
        int source = context.Address(x), destination = context.Address(y);
        if (passes.All(d => plan.Axes[d].IsGather))
        {
            var strides = Shapes.Strides(shape);
            var maps = plan.Axes.Select((axis, d) => DimensionMap.Lookup([.. Enumerable.Range(0, axis.OutputSize)
                .Select(i => (axis.IsIdentity ? i : axis.GatherIndex(i)) * strides[d])])).ToArray();
            IndexMapEmitter.Emit(context, w, node.Name, elementBytes, source, destination, plan.OutputShape, new int[shape.Length], plan.OutputShape, maps);
            return;
        }
        var current = (int[])shape.Clone();
        var scratch = context.ScratchAddress;
        var half = (int)PlanAlign(ScratchBytes(node, context.Options) / 2);
        var from = source;
        for (var p = 0; p < passes.Count; p++)
        {
            var d = passes[p];
            var to = p == passes.Count - 1 ? destination : scratch + (p % 2) * half;
            EmitPass(context, w, $"{node.Name}/axis{d}", plan.Axes[d], current, d, from, to, node.GetAttributes<ResizeAttributes>().ExtrapolationValue);
            current[d] = plan.Axes[d].OutputSize;
            from = to;
        }
    }

    private static ResizePlan Plan(Node node) =>
        ResamplingOperator.TryPlan(node.GetAttributes<ResizeAttributes>(), node.Inputs[0]!.Shape!, node.Inputs)
        ?? throw new UnsupportedOperatorException($"node '{node.Name}': scales/sizes are not constant");

    /// <summary>The axes that change, last first.</summary>
    private static List<int> Passes(ResizePlan plan) =>
        [.. Enumerable.Range(0, plan.Axes.Length).Reverse().Where(d => !plan.Axes[d].IsIdentity)];

    private static long PlanAlign(long bytes) => (bytes + 15) / 16 * 16;

    /// <summary>One axis: out[o, i, e] = sum_k w[i,k] * in[o, idx[i,k], e] (+ the extrapolation value where outside).</summary>
    private static void EmitPass(LoweringContext context, FunctionBuilder w, string key, ResizeAxis axis, int[] shape, int d,
        int source, int destination, float extrapolation)
    {
        var outer = shape[..d].Aggregate(1, (p, s) => p * s);
        var inner = shape[(d + 1)..].Aggregate(1, (p, s) => p * s);
        var taps = axis.Taps;
        var offsets = context.AddBytes($"{key}/offsets", [.. axis.Index.SelectMany(i => BitConverter.GetBytes(i * inner * 4))]);
        var weights = context.AddBytes($"{key}/weights", [.. axis.Weight.SelectMany(v => BitConverter.GetBytes((float)v))]);
        var hasBias = axis.Outside.Any(o => o) && extrapolation != 0;
        var bias = hasBias ? context.AddBytes($"{key}/bias", [.. axis.Outside.SelectMany(o => BitConverter.GetBytes(o ? extrapolation : 0f))]) : -1;
        var width = context.Width;
        var o = w.Local(ValueType.I32);
        var i = w.Local(ValueType.I32);
        var e = w.Local(ValueType.I32);
        var sourceRow = w.Local(ValueType.I32);
        var destinationRow = w.Local(ValueType.I32);
        var tapAddress = Enumerable.Range(0, taps).Select(_ => w.Local(ValueType.I32)).ToArray();
        var scalarWeight = Enumerable.Range(0, taps + 1).Select(_ => w.Local(ValueType.F32)).ToArray();
        var vectorWeight = width == 4 ? Enumerable.Range(0, taps + 1).Select(_ => w.Local(ValueType.V128)).ToArray() : scalarWeight;
        w.For(o, 0, outer, 1, () =>
        {
            w.I32(source).Get(o).I32(axis.InputSize * inner * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(sourceRow);
            w.For(i, 0, axis.OutputSize, 1, () =>
            {
                w.I32(destination).Get(o).I32(axis.OutputSize).Op(Opcode.I32Mul).Get(i).Op(Opcode.I32Add)
                    .I32(inner * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(destinationRow);
                for (var k = 0; k < taps; k++)
                {
                    w.Get(i).I32(taps * 4).Op(Opcode.I32Mul).Code.EmitMemArg(Opcode.I32Load, 2, (uint)(offsets + k * 4));
                    w.Get(sourceRow).Op(Opcode.I32Add).Set(tapAddress[k]);
                    w.Get(i).I32(taps * 4).Op(Opcode.I32Mul).Code.EmitMemArg(Opcode.F32Load, 2, (uint)(weights + k * 4));
                    SetWeight(w, width, scalarWeight[k], vectorWeight[k]);
                }
                if (hasBias)
                {
                    w.Get(i).I32(4).Op(Opcode.I32Mul).Code.EmitMemArg(Opcode.F32Load, 2, (uint)bias);
                    SetWeight(w, width, scalarWeight[taps], vectorWeight[taps]);
                }
                KernelLoops.Run(w, width, inner, e, lanes =>
                {
                    var weight = lanes == 4 ? vectorWeight : scalarWeight;
                    w.Get(destinationRow).Get(e).Op(Opcode.I32Add);
                    for (var k = 0; k < taps; k++)
                    {
                        w.Get(tapAddress[k]).Get(e).Op(Opcode.I32Add).Load(lanes).Get(weight[k]).Mul(lanes);
                        if (k > 0)
                        {
                            w.Add(lanes);
                        }
                    }
                    if (hasBias)
                    {
                        w.Get(weight[taps]).Add(lanes);
                    }
                    w.Store(lanes);
                });
            });
        });
    }

    private static void SetWeight(FunctionBuilder w, int width, uint scalar, uint vector)
    {
        w.Tee(scalar);
        if (width == 4)
        {
            w.Splat(4).Set(vector);
        }
        else
        {
            w.Op(Opcode.Drop);
        }
    }
}
