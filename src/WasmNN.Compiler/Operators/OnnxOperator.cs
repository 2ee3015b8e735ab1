using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

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
/// One ONNX operator: name, supported opset range, typed attributes with ONNX defaults, type/shape inference,
/// fusion pattern and a reference evaluation (plain C#, the oracle for constant folding and tests).
/// Differences between opset versions are resolved in <see cref="ParseAttributes"/> and the inference/evaluation.
/// </summary>
public abstract class OnnxOperator
{
    /// <summary>ONNX op_type.</summary>
    public abstract string OpType { get; }

    /// <summary>Earliest ai.onnx opset version this implementation accepts.</summary>
    public virtual int MinOpset => 1;

    /// <summary>Latest ai.onnx opset version this implementation accepts.</summary>
    public virtual int MaxOpset => int.MaxValue;

    /// <summary>Fusion pattern kind.</summary>
    public abstract OpPatternKind PatternKind { get; }

    /// <summary>Reads and validates the node's attributes for opset <paramref name="opset"/>, applying ONNX defaults.</summary>
    /// <exception cref="OperatorException">An attribute is invalid or the variant is unsupported.</exception>
    public virtual OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => NoAttributes.Instance;

    /// <summary>Infers output types from input types, shapes and any constant inputs.</summary>
    /// <exception cref="OperatorException">The inputs do not fit the operator.</exception>
    public abstract IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs);

    /// <summary>Reference evaluation: computes every output from concrete inputs (null for omitted optional ones).</summary>
    /// <exception cref="OperatorException">The inputs do not fit the operator.</exception>
    public abstract Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs);

    /// <summary>
    /// Outputs computable from input types and shapes alone (Shape, Size); null when they need the data.
    /// Used by constant folding to collapse exporter shape chains.
    /// </summary>
    public virtual Tensor[]? TryEvaluateFromShapes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) => null;

    /// <summary>Input <paramref name="index"/>, which the operator requires.</summary>
    protected static T Required<T>(IReadOnlyList<T?> inputs, int index, string what) where T : class =>
        index < inputs.Count && inputs[index] is { } value ? value : throw new OperatorException($"missing required input {index} ({what})");

    /// <summary>Input <paramref name="index"/> or null when absent.</summary>
    protected static T? Optional<T>(IReadOnlyList<T?> inputs, int index) where T : class =>
        index < inputs.Count ? inputs[index] : null;

    /// <summary>The typed attributes, with a clear error if a node holds the wrong record.</summary>
    protected T As<T>(OperatorAttributes attributes) where T : OperatorAttributes =>
        attributes as T ?? throw new OperatorException($"{OpType} expects {typeof(T).Name}, got {attributes.GetType().Name}");

    /// <summary>The shape of <paramref name="value"/>, or an error when its rank is unknown.</summary>
    protected static int[]? ShapeOf(Value value) => value.Shape;

    /// <inheritdoc/>
    public override string ToString() => OpType;
}
