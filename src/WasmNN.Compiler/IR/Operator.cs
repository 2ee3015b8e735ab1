namespace WasmNN.Compiler.IR;

/// <summary>How an operator may take part in fusion (TVM's OpPatternKind).</summary>
public enum OpPatternKind
{
    /// <summary>One output element from the same-index input elements, same shapes (Relu, Exp).</summary>
    Elementwise = 0,
    /// <summary>Elementwise with numpy broadcasting of some inputs (Add, Mul).</summary>
    Broadcast = 1,
    /// <summary>Each output element reads one input element at a computed index (Transpose, Reshape, Slice).</summary>
    Injective = 2,
    /// <summary>Commutative reduction over axes (ReduceMean, GlobalAveragePool).</summary>
    Reduction = 3,
    /// <summary>Complex op whose output can take a fused elementwise epilogue (Conv, Gemm, MatMul).</summary>
    OutElementwiseFusable = 4,
    /// <summary>Not fusable (Softmax, Shape, data-dependent ops).</summary>
    Opaque = 8,
}

/// <summary>The element type and static shape of a value, as inferred for an operator output.</summary>
/// <param name="ElementType">Element type.</param>
/// <param name="Shape">Static shape; null when the rank is unknown, -1 for unknown dimensions.</param>
public readonly record struct TensorType(DataType ElementType, int[]? Shape);

/// <summary>Base of every operator's typed attributes (one sealed record per operator).</summary>
public abstract record OperatorAttributes;

/// <summary>The attributes of operators that take none.</summary>
public sealed record NoAttributes : OperatorAttributes
{
    /// <summary>The single instance.</summary>
    public static NoAttributes Instance { get; } = new();
}

/// <summary>
/// What the graph needs from an operator: its name, fusion pattern, type/shape inference and reference evaluation.
/// The IR holds operators only through this contract; the ONNX operators (opset ranges, attribute parsing) and
/// the registry that names them live in <c>Operators/</c>, which depends on the IR and not the other way round.
/// </summary>
public abstract class Operator
{
    /// <summary>ONNX op_type.</summary>
    public abstract string OpType { get; }

    /// <summary>Fusion pattern kind.</summary>
    public abstract OpPatternKind PatternKind { get; }

    /// <summary>Infers output types from input types, shapes and any constant inputs.</summary>
    /// <exception cref="OperatorException">The inputs do not fit the operator.</exception>
    public abstract IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs);

    /// <summary>What output <paramref name="index"/> holds: a tensor unless the operator makes sequences or optionals.</summary>
    public virtual ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) => ValueKind.Tensor;

    /// <summary>Reference evaluation: computes every output from concrete inputs (null for omitted optional ones).</summary>
    /// <exception cref="OperatorException">The inputs do not fit the operator.</exception>
    public abstract Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs);

    /// <summary>
    /// Outputs computable from input types and shapes alone (Shape, Size); null when they need the data.
    /// Used by constant folding to collapse exporter shape chains.
    /// </summary>
    public virtual Tensor[]? TryEvaluateFromShapes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) => null;

    /// <summary>
    /// True when input <paramref name="index"/> configures the kernel (Resize scales/sizes/roi, Pad pads) and must
    /// be a constant after folding; a test harness that feeds such an input from data binds it as a constant.
    /// </summary>
    public virtual bool RequiresConstantInput(OperatorAttributes attributes, int index) => false;

    /// <inheritdoc/>
    public override string ToString() => OpType;
}
