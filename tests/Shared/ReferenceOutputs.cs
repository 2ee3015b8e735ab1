namespace WasmNN.Tests;

/// <summary>Comparison with a reference output (PyTorch's .npy beside each shared model), at the ONNX tests' tolerance.
/// Compiled into every test project (Directory.Build.props).</summary>
internal static class ReferenceOutputs
{
    public static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 + 1e-4 * Math.Abs(expected[i]), $"output[{i}]: {actual[i]} vs {expected[i]}");
    }
}
