using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of If: the two branches.</summary>
/// <param name="ThenBranch">Run when the condition is true; its inputs are the node's captured values (node inputs 1..).</param>
/// <param name="ElseBranch">Run when it is false; same inputs.</param>
public sealed record IfAttributes(Graph ThenBranch, Graph ElseBranch) : OperatorAttributes;

/// <summary>ONNX If: runs one of two subgraphs on a scalar bool condition.</summary>
/// <remarks>
/// Input 0 is the condition; the importer appends the outer values the branches read as inputs 1.. (each branch
/// takes them as its graph inputs, in that order), so every pass sees what the node depends on. Exporters emit If
/// over shape checks: once shapes are fixed the condition folds to a constant and <c>InlineIfBranches</c>
/// replaces the node by the taken branch. A condition known only at run time is not supported (no control flow in
/// the lowering).
/// </remarks>
public sealed class IfOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "If";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new IfAttributes(Branch(attributes, "then_branch"), Branch(attributes, "else_branch"));

    private static Graph Branch(AttributeBag attributes, string name) =>
        attributes.Get(name) as Graph ?? throw new OperatorException($"attribute '{name}' must be a graph");

    /// <summary>The branch the condition selects, or null when the condition is not a constant.</summary>
    public static Graph? TakenBranch(IfAttributes attributes, Value condition) =>
        condition.Constant is { } c ? (IsTrue(c) ? attributes.ThenBranch : attributes.ElseBranch) : null;

    private static bool IsTrue(Tensor condition) => condition.Length == 1
        ? condition.GetDouble(0) != 0
        : throw new OperatorException($"the condition must hold one element, not {Shapes.Format(condition.Shape)}");

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) =>
        As<IfAttributes>(attributes).ThenBranch.Outputs[index].Kind;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<IfAttributes>(attributes);
        var condition = Required(inputs, 0, "cond");
        var taken = TakenBranch(a, condition);
        foreach (var branch in taken is null ? [a.ThenBranch, a.ElseBranch] : new[] { taken })
        {
            Rebind(branch, inputs);
        }
        if (taken is not null)
        {
            return [.. taken.Outputs.Select(o => new TensorType(o.ElementType, o.Shape))];
        }
        // Either branch may run: a shape both agree on, else unknown.
        return [.. a.ThenBranch.Outputs.Zip(a.ElseBranch.Outputs, (t, e) =>
            new TensorType(t.ElementType, t.Shape is { } s && e.Shape is { } s2 && Shapes.AreEqual(s, s2) ? s : null))];
    }

    /// <summary>Gives the branch's inputs the captured values' current types (and constants) and re-infers its nodes.</summary>
    private static void Rebind(Graph branch, IReadOnlyList<Value?> inputs)
    {
        if (branch.Inputs.Count != inputs.Count - 1)
        {
            throw new OperatorException($"branch '{branch.Name}' takes {branch.Inputs.Count} captured values, the node passes {inputs.Count - 1}");
        }
        for (var i = 0; i < branch.Inputs.Count; i++)
        {
            var (placeholder, outer) = (branch.Inputs[i], inputs[i + 1]!);
            placeholder.ElementType = outer.ElementType;
            placeholder.Shape = outer.Shape;
            placeholder.Constant = outer.Constant;
        }
        foreach (var node in branch.Nodes)
        {
            Graph.InferNodeTypes(node);
        }
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<IfAttributes>(attributes);
        var branch = IsTrue(Required(inputs, 0, "cond")) ? a.ThenBranch : a.ElseBranch;
        return [.. Subgraphs.Run(branch, [.. inputs.Skip(1).Select(t => t!)])];
    }
}
