using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime.Conformance;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// DFT (opset 17), the reference evaluation and the wasm kernel on our engine, against numpy.fft (fft, ifft and
/// rfft of the same signals in double, printed to 6 decimals).
/// </summary>
public sealed class DftOperatorTests
{
    private static readonly float[] s_real = [1, -2, 0.5f, 3, -1.5f];
    private static readonly float[] s_complex = [1, 2, 0.5f, -1, -3, 0.25f, 2, 2];

    public static TheoryData<string, long, long, double[]> Cases => new()
    {
        // np.fft.fft([1, -2, 0.5, 3, -1.5])
        { "real", 0, 0, [1.0, 0.0, -2.913119, 1.944991, 4.913119, -2.083749, 4.913119, 2.083749, -2.913119, -1.944991] },
        // np.fft.rfft of the same
        { "real", 0, 1, [1.0, 0.0, -2.913119, 1.944991, 4.913119, -2.083749] },
        // np.fft.ifft([1+2j, 0.5-1j, -3+0.25j, 2+2j])
        { "complex", 1, 0, [0.125, 0.8125, 1.75, 0.0625, -1.125, 0.3125, 0.25, 0.8125] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_Signal_MatchesNumpyFft(string signal, long inverse, long onesided, double[] expected)
    {
        var (x, shape) = Input(signal);

        var y = Evaluate1("DFT", [x], Attributes(("inverse", inverse), ("onesided", onesided)), opset: 17);

        AssertTensor([1, expected.Length / 2, 2], DataType.Float32, expected, y, 1e-5);
        Assert.Equal(3, shape.Length);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_Signal_MatchesNumpyFftOnTheEngine(string signal, long inverse, long onesided, double[] expected)
    {
        var (x, shape) = Input(signal);
        var g = new Graph("dft", 17);
        var input = new Value("x", DataType.Float32, shape);
        g.Inputs.Add(input);
        g.Outputs.Add(g.AddNode("DFT", [input], ["y"], Attributes(("inverse", inverse), ("onesided", onesided))).Outputs[0]!);

        using var executor = new WasmExecutor();
        var y = executor.Execute(g, [x])[0];

        AssertTensor([1, expected.Length / 2, 2], DataType.Float32, expected, y, 1e-5);
    }

    private static (Tensor X, int[] Shape) Input(string signal) => signal == "real"
        ? (F([1, 5, 1], s_real), [1, 5, 1])
        : (F([1, 4, 2], s_complex), [1, 4, 2]);
}
