using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Kernels;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Lowering;

/// <summary>One elementwise step: an operator over operands, one of which may be the running value.</summary>
/// <param name="OpType">ONNX op type.</param>
/// <param name="Attributes">Typed attributes.</param>
/// <param name="Operands">Operands in ONNX order; the accumulator slot is null.</param>
/// <param name="AccumulatorIndex">Which operand is the running value, or -1 when the step starts the chain.</param>
internal sealed record ChainStep(string OpType, OperatorAttributes Attributes, IReadOnlyList<Value?> Operands, int AccumulatorIndex)
{
    /// <summary>The steps of a node's fused epilogue.</summary>
    public static IReadOnlyList<ChainStep> Epilogue(Node node) =>
        [.. node.Epilogue.Select(s => new ChainStep(s.Operator.OpType, s.Attributes, s.Operands, s.AccumulatorIndex))];
}

/// <summary>
/// Applies a chain of elementwise steps to values in locals ("in registers"): the fused epilogue of a Conv or Gemm
/// tile, or the body of a standalone elementwise kernel.
/// </summary>
internal static class ElementwiseChain
{
    /// <summary>Why a chain cannot be lowered, or null.</summary>
    public static string? Unsupported(IEnumerable<ChainStep> steps)
    {
        foreach (var step in steps)
        {
            if (!ElementwiseOps.Supports(step.OpType))
            {
                return $"{step.OpType} has no wasm kernel";
            }
            if (step.Operands.OfType<Value>().FirstOrDefault(v => v.ElementType != DataType.Float32) is { } other)
            {
                return $"{step.OpType} operand '{other.Name}' is {other.ElementType}; kernels handle float32";
            }
        }
        return null;
    }

    /// <summary>True when <paramref name="value"/> is a compile-time float scalar (emitted as an immediate).</summary>
    public static bool IsScalarConstant(Value value, out float scalar)
    {
        scalar = 0;
        if (value.Constant is { Length: 1, Data: float[] data })
        {
            scalar = data[0];
            return true;
        }
        return false;
    }

    /// <summary>
    /// Applies <paramref name="steps"/> at <paramref name="width"/> lanes. <paramref name="accumulator"/> holds the
    /// running value (null when the first step starts the chain); <paramref name="pushOperand"/> pushes a non-constant
    /// operand's lanes at the current position. Returns the local holding the result.
    /// </summary>
    public static uint Apply(FunctionBuilder w, int width, IReadOnlyList<ChainStep> steps, uint? accumulator, Action<Value> pushOperand)
    {
        var cache = new Dictionary<Value, uint>();
        foreach (var step in steps)
        {
            var locals = new uint?[step.Operands.Count];
            for (var i = 0; i < locals.Length; i++)
            {
                if (i == step.AccumulatorIndex)
                {
                    locals[i] = accumulator;
                }
                else if (step.Operands[i] is { } operand)
                {
                    if (!cache.TryGetValue(operand, out var local))
                    {
                        local = w.VectorLocal(width);
                        if (IsScalarConstant(operand, out var scalar))
                        {
                            w.Constant(width, scalar);
                        }
                        else
                        {
                            pushOperand(operand);
                        }
                        w.Set(local);
                        cache[operand] = local;
                    }
                    locals[i] = local;
                }
            }
            ElementwiseOps.Emit(w, width, step.OpType, step.Attributes, locals);
            var result = w.VectorLocal(width);
            w.Set(result);
            accumulator = result;
        }
        return accumulator ?? throw new InvalidOperationException("empty elementwise chain");
    }

    /// <summary>
    /// True when every operand of the node's epilogue is a scalar or has the output's shape, so a tile can apply it
    /// with the operand at the same flat offset as the output element.
    /// </summary>
    public static bool FitsTile(Node node)
    {
        var shape = node.Outputs[0]!.Shape!;
        return node.Epilogue.SelectMany(s => s.Operands.OfType<Value>())
            .All(v => IsScalarConstant(v, out _) || Shapes.AreEqual(v.Shape, shape) || (v.Shape is { } s && Shapes.ElementCount(s) == 1));
    }

    /// <summary>
    /// Applies the node's epilogue to the value in <paramref name="accumulator"/> for the output lanes at the address
    /// in <paramref name="outputAddress"/> (requires <see cref="FitsTile"/>). Returns the result local.
    /// </summary>
    public static uint ApplyEpilogueInTile(LoweringContext context, FunctionBuilder w, Node node, int width, uint accumulator, uint outputAddress)
    {
        if (node.Epilogue.Count == 0)
        {
            return accumulator;
        }
        var output = node.Outputs[0]!;
        var outputBase = context.Address(output);
        var size = Shapes.ElementCount(output.Shape!);
        return Apply(w, width, ChainStep.Epilogue(node), accumulator, operand =>
        {
            if (Shapes.ElementCount(operand.Shape!) == 1 && size != 1)
            {
                w.I32(context.Address(operand)).LoadSplat(width);
            }
            else
            {
                // Same shape as the output: same flat offset.
                w.GetPlus(outputAddress, context.Address(operand) - outputBase).Load(width);
            }
        });
    }
}
