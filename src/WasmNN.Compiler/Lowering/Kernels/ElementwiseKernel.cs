using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Elementwise and broadcasting operators (with their fused epilogue) as one loop nest over the output: dimensions
/// that are contiguous in every operand are merged, the innermost runs f32x4 when every operand is contiguous or
/// broadcast along it, scalar otherwise, with a scalar tail. The threads build splits the outermost merged dimension
/// (or, for one merged dimension, blocks of <see cref="Grain"/> elements) across the workers.
/// </summary>
internal sealed class ElementwiseKernel : IParallelKernel
{
    /// <summary>Elements per share of a one-dimensional loop: a multiple of the vector width, so every element keeps its SIMD or scalar path.</summary>
    private const int Grain = 256;

    /// <summary>
    /// Work units per element of a step: arithmetic is about one multiply-add's time; the polynomial
    /// transcendentals (Exp, Sigmoid, Tanh...) take tens (EfficientNet-B0's Sigmoid-Mul chains: ~8 ns per element on V8).
    /// </summary>
    private static int StepCost(string opType) => s_arithmetic.Contains(opType) ? 1 : 32;

    private static readonly HashSet<string> s_arithmetic =
        ["Add", "Sub", "Mul", "Div", "Max", "Min", "Sum", "Mean", "Relu", "Neg", "Abs", "Clip", "LeakyRelu", "PRelu",
         "HardSigmoid", "HardSwish", "Reciprocal", "Floor", "Ceil", "Round", "Identity", "Sqrt"];

    public IEnumerable<string> OpTypes => ElementwiseOps.OpTypes;

    public bool Covers(Node node) => node.Outputs[0]!.ElementType == DataType.Float32;

    public string? Unsupported(Node node)
    {
        if (node.Outputs.Skip(1).Any(o => o is not null))
        {
            return "a second output (mask) is not supported";
        }
        if (node.Outputs[0]!.ElementType != DataType.Float32)
        {
            return $"output is {node.Outputs[0]!.ElementType}; kernels handle float32";
        }
        return ElementwiseChain.Unsupported(Steps(node));
    }

    public IEnumerable<Value> InPlaceInputs(Node node) =>
        node.AllInputs.Where(v => !v.IsConstant && Shapes.AreEqual(v.Shape, node.Outputs[0]!.Shape));

    public void Emit(Node node, LoweringContext context, FunctionBuilder w) =>
        EmitLoop(context, w, node.Outputs[0]!, Steps(node), accumulatorFromOutput: false);

    public long ParallelWork(Node node, LoweringOptions options)
    {
        var elements = Shapes.ElementCount(node.Outputs[0]!.Shape!);
        return elements < 2 * Grain ? 0 : elements * Steps(node).Sum(s => StepCost(s.OpType));
    }

    public void EmitParallel(Node node, LoweringContext context, FunctionBuilder w, WorkerShare share) =>
        EmitLoop(context, w, node.Outputs[0]!, Steps(node), accumulatorFromOutput: false, share);

    private static List<ChainStep> Steps(Node node) =>
        [new ChainStep(node.OpType, node.Attributes, node.Inputs, -1), .. ChainStep.Epilogue(node)];

    /// <summary>
    /// Emits <c>output = steps(...)</c> over the output's shape with numpy broadcasting of every operand. With
    /// <paramref name="accumulatorFromOutput"/> the chain starts from the output's current contents (an epilogue
    /// applied after its anchor kernel). With <paramref name="share"/> only this worker's part of the outermost
    /// merged dimension.
    /// </summary>
    public static void EmitLoop(LoweringContext context, FunctionBuilder w, Value output, IReadOnlyList<ChainStep> steps, bool accumulatorFromOutput,
        WorkerShare? share = null)
    {
        var shape = output.Shape!.Length == 0 ? [1] : output.Shape!;
        var sources = new List<Value> { output };
        sources.AddRange(steps.SelectMany(s => s.Operands.OfType<Value>()).Where(v => !ElementwiseChain.IsScalarConstant(v, out _)).Distinct().Where(v => v != output));
        var (dims, strides) = Collapse(shape, [.. sources.Select(s => Shapes.BroadcastStrides(s.Shape!, shape))]);
        var rank = dims.Length;
        var inner = dims[^1];
        var vectorizable = strides.All(s => s[^1] is 0 or 1);
        var width = vectorizable ? context.Width : 1;
        var counters = Enumerable.Range(0, rank - 1).Select(_ => w.Local(ValueType.I32)).ToArray();
        var rowBases = sources.Select(_ => w.Local(ValueType.I32)).ToArray();
        var offset = w.Local(ValueType.I32);

        // With a share: the one loop's elements (as byte offsets) or the outermost dimension, in chunks.
        (uint Begin, uint End)? range = null;
        void Loop(uint counter, int start, int stop, int step, Action body)
        {
            if (range is { } r && (rank == 1 || counter == counters[0]))
            {
                WorkerShare.ForClipped(w, counter, start, stop, step, r.Begin, r.End, body);
            }
            else
            {
                w.For(counter, start, stop, step, body);
            }
        }

        void Element(int n)
        {
            var accumulator = (uint?)null;
            if (accumulatorFromOutput)
            {
                accumulator = w.VectorLocal(n);
                w.Get(rowBases[0]).Get(offset).Op(Opcode.I32Add).Load(n).Set(accumulator.Value);
            }
            var result = ElementwiseChain.Apply(w, n, steps, accumulator, operand =>
            {
                var s = sources.IndexOf(operand);
                if (strides[s][^1] == 0)
                {
                    w.Get(rowBases[s]).LoadSplat(n);
                }
                else if (n == 1 || strides[s][^1] == 1)
                {
                    w.Get(rowBases[s]).Get(offset).I32(strides[s][^1]).Op(Opcode.I32Mul).Op(Opcode.I32Add).Load(n);
                }
            });
            w.Get(rowBases[0]).Get(offset).Op(Opcode.I32Add).Get(result).Store(n);
        }

        void Level(int d)
        {
            if (d == rank - 1)
            {
                for (var s = 0; s < sources.Count; s++)
                {
                    w.I32(context.Address(sources[s]));
                    for (var k = 0; k < rank - 1; k++)
                    {
                        if (strides[s][k] != 0)
                        {
                            w.Get(counters[k]).I32(strides[s][k] * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                        }
                    }
                    w.Set(rowBases[s]);
                }
                var vectorEnd = inner / width * width;
                Loop(offset, 0, vectorEnd * 4, width * 4, () => Element(width));
                Loop(offset, vectorEnd * 4, inner * 4, 4, () => Element(1));
                return;
            }
            Loop(counters[d], 0, dims[d], 1, () => Level(d + 1));
        }

        if (share is null)
        {
            Level(0);
        }
        else if (rank == 1)
        {
            share.EmitChunks(w, context, inner, Grain, (begin, end) =>
            {
                w.Get(begin).I32(4).Op(Opcode.I32Mul).Set(begin);
                w.Get(end).I32(4).Op(Opcode.I32Mul).Set(end);
                range = (begin, end);
                Level(0);
            });
        }
        else
        {
            share.EmitChunks(w, context, dims[0], 1, (begin, end) =>
            {
                range = (begin, end);
                Level(0);
            });
        }
    }

    /// <summary>Merges adjacent dimensions that are contiguous (or broadcast) in every operand; drops size-1 dimensions.</summary>
    public static (int[] Dims, int[][] Strides) Collapse(int[] shape, int[][] strides)
    {
        var dims = new List<int>();
        var merged = strides.Select(_ => new List<int>()).ToArray();
        for (var d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1)
            {
                continue;
            }
            var canMerge = dims.Count > 0 && strides.Select((s, i) => merged[i][^1] == s[d] * shape[d]).All(b => b);
            if (canMerge)
            {
                dims[^1] *= shape[d];
                for (var i = 0; i < strides.Length; i++)
                {
                    merged[i][^1] = strides[i][d];
                }
            }
            else
            {
                dims.Add(shape[d]);
                for (var i = 0; i < strides.Length; i++)
                {
                    merged[i].Add(strides[i][d]);
                }
            }
        }
        if (dims.Count == 0)
        {
            return ([1], [.. strides.Select(_ => new[] { 0 })]);
        }
        return ([.. dims], [.. merged.Select(m => m.ToArray())]);
    }
}
