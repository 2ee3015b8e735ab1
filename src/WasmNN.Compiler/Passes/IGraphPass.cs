using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Passes;

/// <summary>One graph transformation with a single entry point.</summary>
public interface IGraphPass
{
    /// <summary>Transforms <paramref name="graph"/> in place; returns true when it changed anything.</summary>
    bool Run(Graph graph);
}
