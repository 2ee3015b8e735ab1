using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Pad with constant pads (attribute or constant input). Constant mode fills the output with the value and copies
/// the input into the inner box (negative pads crop); reflect, edge and wrap read every output index through a
/// per-dimension table of mirrored, clamped or wrapped input indices.
/// </summary>
internal sealed class PadKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Pad"];

    public string? Unsupported(Node node)
    {
        var a = node.GetAttributes<PadAttributes>();
        if (PadOperator.TryPads(a, node.Inputs, node.Inputs[0]!.Shape!.Length) is null)
        {
            return "the pads (and axes) inputs must be constants";
        }
        if (a.FromInputs && node.Inputs.ElementAtOrDefault(2) is { IsConstant: false })
        {
            return "the constant_value input must be a constant";
        }
        if (a.Mode != "constant" && node.Inputs[0]!.Shape!.Any(d => d == 0))
        {
            return $"{a.Mode} padding of an empty input is not defined";
        }
        return InjectiveKernels.UnsupportedElement(node.Inputs[0]!);
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<PadAttributes>();
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var shape = x.Shape!;
        var rank = shape.Length;
        var pads = PadOperator.TryPads(a, node.Inputs, rank)!;
        var strides = Shapes.Strides(shape);
        var elementBytes = x.ElementType.ByteSize();
        int source = context.Address(x), destination = context.Address(y);
        var outputShape = y.Shape!;
        if (a.Mode == "constant")
        {
            IndexMapEmitter.Fill(w, destination, Shapes.ElementCount(outputShape), elementBytes, FillBits(node));
            var boxStart = new int[rank];
            var boxSize = new int[rank];
            var maps = new DimensionMap[rank];
            for (var d = 0; d < rank; d++)
            {
                var before = (int)pads[d];
                boxStart[d] = Math.Max(0, before);
                var first = Math.Max(0, -before);
                boxSize[d] = Math.Max(0, shape[d] - first - Math.Max(0, -(int)pads[d + rank]));
                maps[d] = DimensionMap.Affine(first * strides[d], strides[d]);
            }
            IndexMapEmitter.Emit(context, w, node.Name, elementBytes, source, destination, outputShape, boxStart, boxSize, maps);
            return;
        }
        var tables = outputShape.Select((size, d) => DimensionMap.Lookup([.. Enumerable.Range(0, size)
            .Select(i => SourceIndex(a.Mode, i - (int)pads[d], shape[d]) * strides[d])])).ToArray();
        IndexMapEmitter.Emit(context, w, node.Name, elementBytes, source, destination, outputShape, new int[rank], outputShape, tables);
    }

    /// <summary>The input index an out-of-range position reads (the ONNX reference's rules).</summary>
    private static int SourceIndex(string mode, int p, int n)
    {
        if (p >= 0 && p < n)
        {
            return p;
        }
        switch (mode)
        {
            case "edge":
                return Math.Clamp(p, 0, n - 1);
            case "wrap":
                return ((p % n) + n) % n;
            default:
                var period = 2 * (n - 1);
                p = period == 0 ? 0 : ((p % period) + period) % period;
                return p >= n ? period - p : p;
        }
    }

    /// <summary>The fill value's bits in the data's element type (rounded or truncated as Cast would).</summary>
    private static long FillBits(Node node)
    {
        var a = node.GetAttributes<PadAttributes>();
        var value = a.FromInputs ? node.Inputs.ElementAtOrDefault(2)?.Constant?.GetDouble(0) ?? 0 : a.Value;
        if (value == 0)
        {
            return 0;
        }
        Span<byte> bits = stackalloc byte[8];
        Tensor.FromDoubles(node.Inputs[0]!.ElementType, [1], [value]).AsBytes().CopyTo(bits);
        return BitConverter.ToInt64(bits);
    }
}
