namespace WasmNN.Compiler.Operators;

/// <summary>
/// An operator defined as a function of standard operators (the training optimizers): the ExpandOperators pass
/// replaces each of its nodes by that function's nodes, so it needs no kernel of its own.
/// </summary>
public interface IExpandsToStandardOperators
{
    /// <summary>Adds the nodes computing <see cref="NodeReplacement.Replaced"/>'s outputs and binds them.</summary>
    /// <exception cref="IR.OperatorException">The inputs do not fit the operator.</exception>
    void Expand(NodeReplacement replacement);
}
