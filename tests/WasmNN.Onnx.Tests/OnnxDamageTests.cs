using FsCheck;
using FsCheck.Fluent;

namespace WasmNN.Onnx.Tests;

/// <summary>Random truncations and byte flips of real ONNX files: the loader throws only <see cref="OnnxFormatException"/>.</summary>
public sealed class OnnxDamageTests
{
    [Fact]
    public void LoadModel_DamagedLeNet5_OnlyOnnxFormatException()
    {
        var original = File.ReadAllBytes(Path.Combine(RepositoryPaths.Shared, "models", "lenet5.onnx"));
        var damage = Gen.Choose(0, int.MaxValue).Select(seed => ByteDamage.Apply(original, seed));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000), Prop.ForAll(damage.ToArbitrary(), bytes =>
        {
            try
            {
                OnnxModelLoader.LoadModel(new MemoryStream(bytes), "lenet5.onnx");
            }
            catch (OnnxFormatException)
            {
            }
        }));
    }

    [Fact]
    public void LoadModel_EveryTruncationOfTheFirstKilobyte_OnlyOnnxFormatException()
    {
        var original = File.ReadAllBytes(Path.Combine(RepositoryPaths.Shared, "models", "lenet5.onnx"));
        for (var length = 0; length < 1024; length++)
        {
            try
            {
                OnnxModelLoader.LoadModel(new MemoryStream(original, 0, length), "lenet5.onnx");
            }
            catch (OnnxFormatException e)
            {
                Assert.Contains("lenet5.onnx", e.Message);
            }
        }
    }
}
