using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// DepthToSpace and SpaceToDepth as the ONNX spec defines them: the input viewed as a 6-d tensor, transposed, and
/// viewed as the 4-d output. Both the reference evaluation and the kernel use this one description.
/// </summary>
/// <param name="View">The 6-d shape the NCHW input is viewed as.</param>
/// <param name="Perm">Output dimension i of the 6-d transpose is view dimension Perm[i].</param>
/// <param name="OutputShape">The 4-d output shape.</param>
public sealed record BlockRearrangement(int[] View, int[] Perm, int[] OutputShape)
{
    /// <summary>DepthToSpace: DCR (depth-column-row, the default) or CRD ordering of the channel blocks.</summary>
    public static BlockRearrangement DepthToSpace(int[] shape, int block, bool columnRowDepth)
    {
        var (n, c, h, w) = Check(shape, block);
        if (c % (block * block) != 0)
        {
            throw new OperatorException($"channels {c} are not divisible by blocksize^2 = {block * block}");
        }
        var depth = c / (block * block);
        int[] output = [n, depth, h * block, w * block];
        return columnRowDepth
            ? new([n, depth, block, block, h, w], [0, 1, 4, 2, 5, 3], output)
            : new([n, block, block, depth, h, w], [0, 3, 4, 1, 5, 2], output);
    }

    /// <summary>SpaceToDepth: blocks of the spatial plane move into channels.</summary>
    public static BlockRearrangement SpaceToDepth(int[] shape, int block)
    {
        var (n, c, h, w) = Check(shape, block);
        if (h % block != 0 || w % block != 0)
        {
            throw new OperatorException($"spatial size {h}x{w} is not divisible by blocksize {block}");
        }
        return new([n, c, h / block, block, w / block, block], [0, 3, 5, 1, 2, 4], [n, c * block * block, h / block, w / block]);
    }

    /// <summary>The input element offset each output element reads, in output order.</summary>
    public int[] SourceOffsets()
    {
        var strides = Shapes.Strides(View);
        int[] transposed = [.. Perm.Select(p => View[p])];
        var offsets = new int[Shapes.ElementCount(transposed)];
        var coords = new int[6];
        for (var o = 0; o < offsets.Length; o++)
        {
            ReferenceMath.Unravel(o, transposed, coords);
            offsets[o] = coords.Select((c, i) => c * strides[Perm[i]]).Sum();
        }
        return offsets;
    }

    /// <summary>Moves <paramref name="x"/>'s elements into the output layout.</summary>
    public Tensor Apply(Tensor x)
    {
        var y = Tensor.Zeros(x.DataType, OutputShape);
        var offsets = SourceOffsets();
        for (var o = 0; o < offsets.Length; o++)
        {
            y.CopyElement(x, offsets[o], o);
        }
        return y;
    }

    private static (int N, int C, int H, int W) Check(int[] shape, int block)
    {
        if (shape.Length != 4)
        {
            throw new OperatorException($"input has rank {shape.Length}, expected 4 (NCHW)");
        }
        if (block < 1)
        {
            throw new OperatorException($"blocksize {block} is not positive");
        }
        return (shape[0], shape[1], shape[2], shape[3]);
    }
}

/// <summary>DepthToSpace and SpaceToDepth: inference and evaluation through the operator's <see cref="BlockRearrangement"/>.</summary>
public abstract class BlockRearrangementOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <summary>The rearrangement for an input of <paramref name="shape"/>.</summary>
    public abstract BlockRearrangement Layout(OperatorAttributes attributes, int[] shape);

    /// <summary>The positive blocksize attribute.</summary>
    protected static int BlockSize(AttributeBag attributes)
    {
        var block = attributes.GetInt("blocksize", 0);
        return block is > 0 and <= int.MaxValue ? (int)block : throw new OperatorException("attribute 'blocksize' must be positive");
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        return [new TensorType(x.ElementType, x.Shape is null || !Shapes.IsStatic(x.Shape) ? x.Shape?.Select(_ => -1).ToArray()
            : Layout(attributes, x.Shape).OutputShape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        return [Layout(attributes, x.Shape).Apply(x)];
    }
}
