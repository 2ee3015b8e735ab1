namespace WasmNN.Compiler.IR;

/// <summary>
/// A named SSA value: a graph input, a constant (initializer), or the output of exactly one node.
/// </summary>
public sealed class Value
{
    /// <summary>Creates a value with its type and (possibly partial) static shape.</summary>
    public Value(string name, DataType elementType, int[]? shape)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
    }

    /// <summary>Creates a constant value holding <paramref name="constant"/>.</summary>
    public Value(string name, Tensor constant) : this(name, constant.DataType, constant.Shape) => Constant = constant;

    /// <summary>Unique name within the graph (the ONNX tensor name).</summary>
    public string Name { get; set; }

    /// <summary>A tensor, or (until ResolveSequences) a sequence or optional of tensors of <see cref="ElementType"/>.</summary>
    public ValueKind Kind { get; set; }

    /// <summary>Element type.</summary>
    public DataType ElementType { get; set; }

    /// <summary>Static shape; null when the rank is unknown, -1 for unknown dimensions.</summary>
    public int[]? Shape { get; set; }

    /// <summary>The <see cref="DimNames"/> entry of a dynamic dimension the model left unnamed.</summary>
    public const string UnnamedDimension = "?";

    /// <summary>
    /// The dynamic dimensions of a graph input as the model declared them: the ONNX dim_param (symbolic name, e.g.
    /// "batch") of each, <see cref="UnnamedDimension"/> for an unnamed one, null for static ones; null when every
    /// dimension is static. Kept after the dimensions are fixed, so the compiler can report what it replaced.
    /// </summary>
    public string?[]? DimNames { get; set; }

    /// <summary>
    /// Per dimension, the run-time length the dimension holds (its <see cref="Shape"/> entry is then the maximum), or
    /// null for a static dimension; null when every dimension is static.
    /// </summary>
    public RuntimeLength?[]? RuntimeDims { get; set; }

    /// <summary>
    /// For a string value: the capacity in bytes of the UTF-8 area of its buffer (<see cref="StringTensorLayout"/>);
    /// 0 until the lowering assigns it (graph inputs from the compile options, node outputs from their operator).
    /// </summary>
    public int StringBytes { get; set; }

    /// <summary>The constant contents when this value is an initializer or a folded constant.</summary>
    public Tensor? Constant { get; set; }

    /// <summary>True when the value is a compile-time constant.</summary>
    public bool IsConstant => Constant is not null;

    /// <summary>The node that defines this value, or null for graph inputs and constants.</summary>
    public Node? Producer { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"%{Name}: {ElementType}[{Shapes.Format(Shape)}]";
}
