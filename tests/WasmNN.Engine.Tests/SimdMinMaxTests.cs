namespace WasmNN.Engine.Tests;

/// <summary>
/// f32x4/f64x2 min and max with a NaN lane in a constant operand: the spec says the lane is NaN. .NET 10's JIT folds
/// Vector128.Min/Max with a constant as if it had no NaN and returned the other operand (found by the fuzz tests).
/// </summary>
public sealed class SimdMinMaxTests
{
    private const string NaNConstant = "(v128.const i32x4 0x7f7fffff 0x4f800000 0xffffff95 0x5f800000)";
    private const string NaNConstant64 = "(v128.const i64x2 0 0xfff0000000000095)";

    [Theory]
    [InlineData("f32x4.min", false)]
    [InlineData("f32x4.max", false)]
    [InlineData("f32x4.min", true)]
    [InlineData("f32x4.max", true)]
    public void F32x4MinMax_ConstantOperandWithNaNLane_GivesNaNInThatLane(string instruction, bool constantFirst)
    {
        var operands = constantFirst ? $"{NaNConstant} (f32x4.splat (local.get 0))" : $"(f32x4.splat (local.get 0)) {NaNConstant}";
        var instance = Wat.Instantiate(new Engine(), $"""
            (module (func (export "f") (param f32) (result f32) (f32x4.extract_lane 2 ({instruction} {operands}))))
            """);
        var f = instance.GetFunction<Func<float, float>>("f");
        foreach (var x in new[] { 1f, 0f, -0f, float.NegativeInfinity }) Assert.True(float.IsNaN(f(x)), $"{instruction}({x}, NaN)");
    }

    [Theory]
    [InlineData("f64x2.min")]
    [InlineData("f64x2.max")]
    public void F64x2MinMax_ConstantOperandWithNaNLane_GivesNaNInThatLane(string instruction)
    {
        var instance = Wat.Instantiate(new Engine(), $"""
            (module (func (export "f") (param f64) (result f64) (f64x2.extract_lane 1 ({instruction} (f64x2.splat (local.get 0)) {NaNConstant64}))))
            """);
        var f = instance.GetFunction<Func<double, double>>("f");
        foreach (var x in new[] { 1d, 0d, double.PositiveInfinity }) Assert.True(double.IsNaN(f(x)), $"{instruction}({x}, NaN)");
    }
}
