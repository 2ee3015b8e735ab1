using FsCheck;
using FsCheck.Fluent;
using WasmNN.Engine;
using WasmNN.Kernels.Frontend;

namespace WasmNN.Kernels.Tests;

public sealed class PropertyTests(KernelLibraryFixture fixture) : IClassFixture<KernelLibraryFixture>
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(60);
    private readonly KernelLibrary _ops = fixture.Library;

    /// <summary>Random shape pairs: dimensions 1-6 where either side may be 1 (broadcast) or missing (lower rank).</summary>
    private static Arbitrary<(int[] A, int[] B)> BroadcastShapes() =>
        (from rank in Gen.Choose(0, 4)
         from dims in Gen.ArrayOf(Gen.Choose(1, 6), rank)
         from aMask in Gen.ArrayOf(Gen.Choose(0, 2), rank)
         from bMask in Gen.ArrayOf(Gen.Choose(0, 2), rank)
         from aDrop in Gen.Choose(0, rank)
         from bDrop in Gen.Choose(0, rank)
         select (Make(dims, aMask, aDrop), Make(dims, bMask, bDrop))).ToArbitrary();

    private static int[] Make(int[] dims, int[] mask, int drop) => [.. dims.Select((d, i) => mask[i] == 0 ? 1 : d).Skip(drop)];

    [Fact]
    public void AddSubInt8_AnyBroadcastableShapes_MatchSaturatingReference()
    {
        Check.One(s_config, Prop.ForAll(BroadcastShapes(), shapes =>
        {
            var random = new Random(shapes.A.Sum() * 31 + shapes.B.Length);
            var a = TestData.SBytes(random, TestData.Product(shapes.A));
            var b = TestData.SBytes(random, TestData.Product(shapes.B));
            using var ta = _ops.FromArray(a, shapes.A);
            using var tb = _ops.FromArray(b, shapes.B);
            using var sum = ta + tb;
            using var difference = ta - tb;
            return sum.ToArray().SequenceEqual(ReferenceOps.Broadcast(BinaryOperation.Add, a, shapes.A, b, shapes.B, out _))
                && difference.ToArray().SequenceEqual(ReferenceOps.Broadcast(BinaryOperation.Sub, a, shapes.A, b, shapes.B, out _));
        }));
    }

    [Fact]
    public void MulFloat32_AnyBroadcastableShapes_MatchesReferenceShapeAndValues()
    {
        Check.One(s_config, Prop.ForAll(BroadcastShapes(), shapes =>
        {
            var random = new Random(shapes.A.Sum() * 17 + shapes.B.Sum());
            var a = TestData.Floats(random, TestData.Product(shapes.A));
            var b = TestData.Floats(random, TestData.Product(shapes.B));
            using var ta = _ops.FromArray(a, shapes.A);
            using var tb = _ops.FromArray(b, shapes.B);
            using var product = ta * tb;
            var expected = ReferenceOps.Broadcast(BinaryOperation.Mul, a, shapes.A, b, shapes.B, out var shape);
            return product.Shape.SequenceEqual(shape) && product.ToArray().SequenceEqual(expected);
        }));
    }

    [Fact]
    public void MatMulInt8_AnySmallShape_IsExact()
    {
        var sizes = (from m in Gen.Choose(1, 12) from k in Gen.Choose(1, 20) from n in Gen.Choose(1, 20) select (m, k, n)).ToArbitrary();
        Check.One(s_config, Prop.ForAll(sizes, size =>
        {
            var random = new Random(size.m * 400 + size.k * 20 + size.n);
            var a = TestData.SBytes(random, size.m * size.k);
            var b = TestData.SBytes(random, size.k * size.n);
            using var ta = _ops.FromArray(a, size.m, size.k);
            using var tb = _ops.FromArray(b, size.k, size.n);
            using var c = ta.MatMul(tb);
            return c.ToArray().SequenceEqual(ReferenceOps.MatMulInt8(a, b, size.m, size.k, size.n));
        }));
    }

    [Fact]
    public void Allocator_AnySequenceOfAllocationsAndFrees_NeverOverlapsLiveBlocks()
    {
        var steps = Gen.ArrayOf(Gen.Choose(-40, 70_000), 40).ToArbitrary();
        Check.One(s_config, Prop.ForAll(steps, sizes =>
        {
            using var memory = new WasmMemory(1);
            var allocator = new LinearMemoryAllocator(memory);
            var live = new List<(int Start, int Length)>();
            foreach (int size in sizes)
            {
                // Negative entries free a live block (chosen by the value), others allocate that many bytes.
                if (size < 0)
                {
                    if (live.Count == 0) continue;
                    int index = -size % live.Count;
                    allocator.Free(live[index].Start);
                    live.RemoveAt(index);
                    continue;
                }
                int address = allocator.Allocate(size);
                if (address <= 0 || address % LinearMemoryAllocator.Alignment != 0 || address + size > memory.Length) return false;
                if (live.Any(block => address < block.Start + block.Length && block.Start < address + Math.Max(size, 1))) return false;
                live.Add((address, Math.Max(size, 1)));
            }
            return true;
        }));
    }
}
