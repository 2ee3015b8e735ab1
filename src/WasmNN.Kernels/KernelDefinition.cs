using System.Collections.Immutable;
using WasmNN.CodeGen;
using WasmNN.Kernels.Generation;

namespace WasmNN.Kernels;

/// <summary>
/// One exported kernel of <c>wasmnn_ops.wasm</c>: its export name, the operation and element types, its parameters
/// (every one an i32: a byte address in linear memory or a count) and what it computes. The generator emits it from
/// this row and the frontend binds to it by the same row.
/// </summary>
/// <param name="Name">The export name, e.g. <c>add_f32</c>.</param>
/// <param name="Operation">The operation, e.g. <c>Add</c>, <c>MatMul</c>.</param>
/// <param name="InputType">The element type of the inputs.</param>
/// <param name="OutputType">The element type of the output.</param>
/// <param name="Parameters">The parameter names in order; each is an i32.</param>
/// <param name="Semantics">One line saying what the kernel computes, including overflow behaviour.</param>
public sealed record KernelDefinition(
    string Name,
    string Operation,
    ElementType InputType,
    ElementType OutputType,
    ImmutableArray<string> Parameters,
    string Semantics)
{
    /// <summary>Writes the function body; the emitter has one parameter per entry of <see cref="Parameters"/>.</summary>
    internal Action<FunctionBuilder, KernelModuleContext> Emit { get; init; } =
        static (_, _) => throw new InvalidOperationException("a kernel definition without an emitter");

    /// <summary>The wasm signature: one i32 per parameter, no results.</summary>
    public string Signature => $"({string.Join(", ", Parameters)}) -> ()";
}
