using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// LayerNormalization: per row of the trailing dimensions, mean and inverse standard deviation (also written to
/// the optional Mean and InvStdDev outputs), then y = (x - mean) * invStdDev * scale + bias with f32x4 over the
/// row. Scale and B must have the row's shape, or be constants (broadcast onto the row at compile time).
/// </summary>
internal sealed class LayerNormalizationKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["LayerNormalization"];

    public string? Unsupported(Node node)
    {
        if (node.AllInputs.FirstOrDefault(v => v.ElementType != DataType.Float32) is { } other)
        {
            return $"input '{other.Name}' is {other.ElementType}; kernels handle float32";
        }
        var rowCount = RowLength(node);
        foreach (var parameter in node.Inputs.Skip(1).OfType<Value>())
        {
            if (!parameter.IsConstant && Shapes.ElementCount(parameter.Shape!) != rowCount)
            {
                return $"'{parameter.Name}' {Shapes.Format(parameter.Shape)} must have the normalised shape or be a constant";
            }
        }
        return rowCount == 0 ? "an empty row is not supported" : null;
    }

    private static int RowLength(Node node)
    {
        var shape = node.Inputs[0]!.Shape!;
        var axis = Shapes.NormalizeAxis(node.GetAttributes<LayerNormalizationAttributes>().Axis, shape.Length);
        return Shapes.ElementCount(shape[axis..]);
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<LayerNormalizationAttributes>();
        var x = node.Inputs[0]!;
        var shape = x.Shape!;
        var axis = Shapes.NormalizeAxis(a.Axis, shape.Length);
        var n = Shapes.ElementCount(shape[axis..]);
        var rows = Shapes.ElementCount(shape[..axis]);
        var scale = ParameterAddress(context, node, 1, shape[axis..]);
        var bias = node.Inputs.ElementAtOrDefault(2) is not null ? ParameterAddress(context, node, 2, shape[axis..]) : (int?)null;
        var width = context.Width;
        var r = w.Local(ValueType.I32);
        var row = w.Local(ValueType.I32);
        var offset = w.Local(ValueType.I32);
        var mean = w.Local(ValueType.F32);
        var inverseStdDev = w.Local(ValueType.F32);
        var meanLanes = w.VectorLocal(width);
        var inverseLanes = w.VectorLocal(width);
        int source = context.Address(x), destination = context.Address(node.Outputs[0]!);
        w.For(r, 0, rows, 1, () =>
        {
            w.Get(r).I32(n * 4).Op(Opcode.I32Mul).Set(row);
            w.Get(row).I32(source).Op(Opcode.I32Add).Set(row);
            RowStatistics.Emit(w, width, row, n, a.Epsilon, mean, inverseStdDev);
            w.Get(mean).Splat(width).Set(meanLanes).Get(inverseStdDev).Splat(width).Set(inverseLanes);
            KernelLoops.Run(w, width, n, offset, lanes =>
            {
                w.Get(row).Get(offset).Op(Opcode.I32Add).I32(destination - source).Op(Opcode.I32Add);
                w.Get(row).Get(offset).Op(Opcode.I32Add).Load(lanes).Get(lanes == width ? meanLanes : mean).Sub(lanes)
                    .Get(lanes == width ? inverseLanes : inverseStdDev).Mul(lanes);
                w.Get(offset).Load(lanes, (uint)scale).Mul(lanes);
                if (bias is { } b)
                {
                    w.Get(offset).Load(lanes, (uint)b).Add(lanes);
                }
                w.Store(lanes);
            });
            for (var k = 1; k <= 2; k++)
            {
                if (node.Outputs.ElementAtOrDefault(k) is { } statistic)
                {
                    w.Get(r).I32(4).Op(Opcode.I32Mul).Get(k == 1 ? mean : inverseStdDev).Store(1, (uint)context.Address(statistic));
                }
            }
        });
    }

    /// <summary>The address of a parameter laid out as the row: the value's own buffer, or its constant broadcast onto the row.</summary>
    private static int ParameterAddress(LoweringContext context, Node node, int index, int[] rowShape)
    {
        var parameter = node.Inputs[index]!;
        if (parameter.Constant is { } constant && Shapes.ElementCount(constant.Shape) != Shapes.ElementCount(rowShape))
        {
            return context.AddWeights($"{node.Name}/{parameter.Name}/row",
                [.. LayerNormalizationOperator.ExpandToRow(constant, rowShape).Select(v => (float)v)]);
        }
        return context.Address(parameter);
    }
}
