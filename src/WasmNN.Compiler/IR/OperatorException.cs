namespace WasmNN.Compiler.IR;

/// <summary>
/// An operator was given inputs or attributes it cannot accept. Thrown from shape inference and reference
/// evaluation without node context; callers rethrow it as a <see cref="GraphException"/> naming the node.
/// </summary>
public sealed class OperatorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OperatorException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping a cause.</summary>
    public OperatorException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an exception with no message.</summary>
    public OperatorException() { }
}

/// <summary>A graph is invalid or cannot be imported, verified or executed; the message names where.</summary>
public sealed class GraphException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GraphException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping a cause.</summary>
    public GraphException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an exception with no message.</summary>
    public GraphException() { }

    /// <summary>Wraps an operator failure with the node's name, op_type and opset.</summary>
    public static GraphException ForNode(Node node, string stage, Exception inner) =>
        new($"node '{node.Name}' ({node.OpType}, opset {node.Opset}): {stage} failed: {inner.Message}", inner);
}

/// <summary>The operator or one of its variants is not implemented; the message names node, op_type and opset.</summary>
public sealed class UnsupportedOperatorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedOperatorException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping a cause.</summary>
    public UnsupportedOperatorException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an exception with no message.</summary>
    public UnsupportedOperatorException() { }
}
