using FsCheck;
using FsCheck.Fluent;
using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Tests.IO;

/// <summary>Properties of the .npy reader and writer over random tensors and random damage to valid files.</summary>
public sealed class NpyPropertyTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(300);

    /// <summary>The dtypes NumPy has (all but bfloat16).</summary>
    private static readonly DataType[] s_numpyTypes = [.. DataTypes.All.Where(t => t.NpyDescr is not null).Select(t => t.Type)];

    /// <summary>A tensor of any supported dtype, rank 0-4, dimensions 0-5, random contents (any bit pattern).</summary>
    private static Arbitrary<Tensor> Tensors() =>
        (from type in Gen.Elements(s_numpyTypes)
         from rank in Gen.Choose(0, 4)
         from shape in Gen.ArrayOf(Gen.Choose(0, 5), rank)
         from seed in Gen.Choose(0, int.MaxValue)
         select RandomTensor(type, shape, seed)).ToArbitrary();

    private static Tensor RandomTensor(DataType type, int[] shape, int seed)
    {
        var tensor = Tensor.Zeros(type, shape);
        var random = new Random(seed);
        var bytes = tensor.AsBytes();
        random.NextBytes(bytes);
        if (type == DataType.Bool)
        {
            foreach (ref var b in bytes) b &= 1;
        }
        return tensor;
    }

    private static byte[] Bytes(Tensor tensor)
    {
        using var stream = new MemoryStream();
        Npy.Write(stream, tensor);
        return stream.ToArray();
    }

    [Fact]
    public void WriteThenRead_AnyDtypeAndShape_SameTypeShapeAndBytes()
    {
        Check.One(s_config, Prop.ForAll(Tensors(), tensor =>
        {
            var read = Npy.Read(new MemoryStream(Bytes(tensor)));
            return read.DataType == tensor.DataType && read.Shape.SequenceEqual(tensor.Shape)
                && read.AsBytes().SequenceEqual(tensor.AsBytes());
        }));
    }

    [Fact]
    public void Write_AnyTensor_DataStartsOn64ByteBoundaryAfterNewline()
    {
        Check.One(s_config, Prop.ForAll(Tensors(), tensor =>
        {
            var bytes = Bytes(tensor);
            var dataStart = 10 + bytes[8] + (bytes[9] << 8);
            return bytes[6] == 1 && bytes[7] == 0 && dataStart % 64 == 0 && bytes[dataStart - 1] == (byte)'\n'
                && bytes.Length - dataStart == tensor.Length * tensor.DataType.ByteSize();
        }));
    }

    /// <summary>
    /// Valid files (written by numpy, and by us for every dtype) with 1-4 random byte flips, truncations,
    /// deletions, insertions or header tokens, most of them aimed at the header: reading gives a tensor or
    /// <see cref="NpyFormatException"/>, never another exception (overflow, out of memory, index out of range...).
    /// </summary>
    [Fact]
    public void Read_DamagedValidFile_OnlyNpyFormatException()
    {
        byte[][] originals =
        [
            File.ReadAllBytes(TestPaths.Model("lenet5.input.npy")),
            File.ReadAllBytes(TestPaths.Model("lenet5.output.npy")),
            .. s_numpyTypes.Select(t => Bytes(RandomTensor(t, [2, 3], (int)t))),
            NpyTests.Spec("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", NpyTests.Floats(1, 2, 3, 4), 3),
        ];
        var damage =
            from which in Gen.Choose(0, originals.Length - 1)
            from seed in Gen.Choose(0, int.MaxValue)
            select ByteDamage.Apply(originals[which], seed, hotBytes: 140, tokens: "0123456789(),:' {}TF-\n");
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000), Prop.ForAll(damage.ToArbitrary(), bytes =>
        {
            try
            {
                Npy.Read(new MemoryStream(bytes));
            }
            catch (NpyFormatException)
            {
            }
        }));
    }
}
