using WasmNN.Compiler;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Engine;

namespace WasmNN.Runtime.Conformance;

/// <summary>
/// Runs a graph by compiling it to wasm and running the module on the WasmNN engine: the backend under test for
/// the ONNX node-test runner.
/// </summary>
public sealed class WasmExecutor : CompiledGraphExecutor
{
    private CompiledModel? _model;

    /// <summary>Creates an executor compiling with <paramref name="options"/> (SIMD by default).</summary>
    public WasmExecutor(CompileOptions? options = null) : base(options)
    {
    }

    /// <inheritdoc/>
    protected override void Load(byte[] wasm)
    {
        try
        {
            _model = CompiledModel.Load(wasm);
        }
        catch (Exception e) when (e is WasmCompileException or Wasm.WasmFormatException or FormatException)
        {
            throw new GraphException($"the compiled module does not load: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<Tensor> Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<TensorInfo> outputs)
    {
        var model = _model ?? throw new InvalidOperationException("no module loaded");
        for (var i = 0; i < inputs.Count; i++)
        {
            if (model.Inputs[i].IsString)
            {
                model.SetStrings(i, inputs[i].AsStrings());
                continue;
            }
            inputs[i].AsBytes().CopyTo(model.InputBytes(i));
        }
        try
        {
            model.Run();
        }
        catch (WasmTrapException e)
        {
            throw new GraphException($"the compiled module trapped: {e.Message}", e);
        }
        return [.. outputs.Select((info, i) =>
        {
            if (info.IsString)
            {
                return Tensor.FromStrings(model.OutputShape(i), model.GetStrings(i));
            }
            // Every dtype's buffer is its .npy/TensorProto payload (docs/ABI.md layouts), so bytes move as they are.
            // Outputs of run-time length come back at the length the run reported.
            var tensor = Tensor.Zeros(TensorInfo.DataTypeOf(info.DType), model.OutputShape(i));
            model.OutputBytes(i).CopyTo(tensor.AsBytes());
            return tensor;
        })];
    }

    /// <inheritdoc/>
    protected override void Unload()
    {
        _model?.Dispose();
        _model = null;
    }
}
