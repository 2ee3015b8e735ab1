using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// One ONNX operator: name, supported opset range, typed attributes with ONNX defaults, type/shape inference,
/// fusion pattern and a reference evaluation (plain C#, the oracle for constant folding and tests).
/// Differences between opset versions are resolved in <see cref="ParseAttributes"/> and the inference/evaluation.
/// </summary>
public abstract class OnnxOperator : Operator
{
    /// <summary>The operator set domain the op_type belongs to ("" for the standard ai.onnx domain).</summary>
    public virtual string Domain => "";

    /// <summary>Earliest ai.onnx opset version this implementation accepts.</summary>
    public virtual int MinOpset => 1;

    /// <summary>Latest ai.onnx opset version this implementation accepts.</summary>
    public virtual int MaxOpset => int.MaxValue;

    /// <summary>Reads and validates the node's attributes for opset <paramref name="opset"/>, applying ONNX defaults.</summary>
    /// <exception cref="OperatorException">An attribute is invalid or the variant is unsupported.</exception>
    public virtual OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => NoAttributes.Instance;

    /// <summary>
    /// The node's inputs in the form of the latest opset, for opsets whose inputs meant something else (PRelu before
    /// opset 7 applied a 1-D slope per channel, not numpy-broadcast along the last axis). The importer adds a new
    /// constant input to the graph's initializers. Default: the inputs unchanged.
    /// </summary>
    /// <exception cref="UnsupportedOperatorException">The old form cannot be rewritten (a run-time operand).</exception>
    public virtual IReadOnlyList<Value?> UpgradeInputs(IReadOnlyList<Value?> inputs, int opset) => inputs;

    /// <summary>
    /// Graph values the node reads by name through its attributes rather than its inputs (Gradient's y). The importer
    /// appends them to the node's inputs, so the graph records the dependency. Default: none.
    /// </summary>
    public virtual IReadOnlyList<string> ValuesNamedByAttributes(OperatorAttributes attributes) => [];

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
}
