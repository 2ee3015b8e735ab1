using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using WasmNN.Engine.Runtime;

namespace WasmNN.Engine.Tests;

/// <summary>
/// The scalar helpers stand in for single x86 instructions on other CPUs; on an x86 test machine the instruction
/// itself is the reference (the spec suite covers the x86 lowering). Random vectors plus the edge values that
/// saturate, overflow or round.
/// </summary>
public class SimdOperationsTests
{
    private static IEnumerable<(Vector128<byte> A, Vector128<byte> B)> Inputs()
    {
        var random = new Random(1234);
        var bytes = new byte[32];
        for (int i = 0; i < 500; i++)
        {
            random.NextBytes(bytes);
            yield return (Vector128.Create(bytes.AsSpan(0, 16)), Vector128.Create(bytes.AsSpan(16, 16)));
        }
        var edges = Vector128.Create(short.MinValue, short.MaxValue, -1, 0, 1, 0x4000, -0x4000, 0x7F).AsByte();
        yield return (edges, edges);
        yield return (edges, Vector128.Create(short.MinValue).AsByte());
    }

    [Fact]
    public void ScalarHelpers_RandomAndEdgeInputs_MatchTheX86Instructions()
    {
        if (!Sse41.IsSupported) return; // the reference instructions are x86 ones
        var ones8 = Vector128.Create((byte)1);
        var ones16 = Vector128.Create((short)1);
        foreach (var (a, b) in Inputs())
        {
            Assert.Equal(Sse2.Average(a, b), SimdOperations.AverageRoundedU8(a, b));
            Assert.Equal(Sse2.Average(a.AsUInt16(), b.AsUInt16()).AsByte(), SimdOperations.AverageRoundedU16(a, b));
            Assert.Equal(Sse2.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16()).AsByte(), SimdOperations.DotI16x8(a, b));
            Assert.Equal(Ssse3.MultiplyAddAdjacent(ones8, a.AsSByte()).AsByte(), SimdOperations.ExtaddPairwiseI8x16S(a));
            Assert.Equal(Ssse3.MultiplyAddAdjacent(a, ones8.AsSByte()).AsByte(), SimdOperations.ExtaddPairwiseI8x16U(a));
            Assert.Equal(Sse2.MultiplyAddAdjacent(a.AsInt16(), ones16).AsByte(), SimdOperations.ExtaddPairwiseI16x8S(a));
            Assert.Equal(Sse2.PackSignedSaturate(a.AsInt16(), b.AsInt16()).AsByte(), SimdOperations.NarrowI16x8S(a, b));
            Assert.Equal(Sse2.PackUnsignedSaturate(a.AsInt16(), b.AsInt16()), SimdOperations.NarrowI16x8U(a, b));
            Assert.Equal(Sse2.PackSignedSaturate(a.AsInt32(), b.AsInt32()).AsByte(), SimdOperations.NarrowI32x4S(a, b));
            Assert.Equal(Sse41.PackUnsignedSaturate(a.AsInt32(), b.AsInt32()).AsByte(), SimdOperations.NarrowI32x4U(a, b));
            Assert.Equal(Sse.Min(a.AsSingle(), b.AsSingle()).AsByte(), SimdOperations.MinNativeF32(a, b));
            Assert.Equal(Sse.Max(a.AsSingle(), b.AsSingle()).AsByte(), SimdOperations.MaxNativeF32(a, b));
            Assert.Equal(Sse2.Min(a.AsDouble(), b.AsDouble()).AsByte(), SimdOperations.MinNativeF64(a, b));
            Assert.Equal(Sse2.Max(a.AsDouble(), b.AsDouble()).AsByte(), SimdOperations.MaxNativeF64(a, b));

            // q15mulr_sat_s is pmulhrsw except 0x8000 * 0x8000, which saturates.
            var q15 = Ssse3.MultiplyHighRoundScale(a.AsInt16(), b.AsInt16());
            q15 ^= Vector128.Equals(q15, Vector128.Create(short.MinValue));
            Assert.Equal(q15.AsByte(), SimdOperations.Q15MulrSat(a, b));
        }
    }

    [Fact]
    public void ExtaddPairwiseI16x8U_AllOnes_SumsUnsigned()
    {
        var result = SimdOperations.ExtaddPairwiseI16x8U(Vector128<byte>.AllBitsSet).AsInt32();
        Assert.Equal(Vector128.Create(2 * 65535), result);
    }
}
