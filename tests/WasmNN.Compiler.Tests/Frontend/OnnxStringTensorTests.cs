using Google.Protobuf;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Tests.Frontend;

/// <summary>
/// STRING TensorProtos (onnx.proto: elements in string_data, never raw_data): read as UTF-8, refused with the tensor
/// and element named when the bytes are not UTF-8 or the count does not match dims, and written back the same way.
/// </summary>
public sealed class OnnxStringTensorTests
{
    private static TensorProto Strings(long[] dims, params byte[][] elements)
    {
        var proto = new TensorProto { Name = "words", DataType = 8 };
        proto.Dims.AddRange(dims);
        proto.StringData.AddRange(elements.Select(ByteString.CopyFrom));
        return proto;
    }

    [Fact]
    public void ToTensor_Utf8StringData_GivesTheStrings()
    {
        var tensor = OnnxTensors.ToTensor(Strings([2], "Ärger"u8.ToArray(), []), "model.onnx");

        Assert.Equal(DataType.String, tensor.DataType);
        Assert.Equal(["Ärger", ""], tensor.AsStrings());
    }

    [Fact]
    public void ToTensor_InvalidUtf8_NamesTheTensorAndElement()
    {
        var e = Assert.Throws<GraphException>(() => OnnxTensors.ToTensor(Strings([2], "ok"u8.ToArray(), [0xC3, 0x28]), "model.onnx"));

        Assert.Contains("'words'", e.Message);
        Assert.Contains("element 1", e.Message);
    }

    [Fact]
    public void ToTensor_CountDiffersFromDims_NamesBoth()
    {
        var e = Assert.Throws<GraphException>(() => OnnxTensors.ToTensor(Strings([3], "a"u8.ToArray()), "model.onnx"));

        Assert.Contains("1 strings, expected 3", e.Message);
    }

    [Fact]
    public void ToProto_Strings_RoundTrip()
    {
        var tensor = Tensor.FromStrings([1, 2], ["monday", "😀"]);

        var back = OnnxTensors.ToTensor(OnnxTensors.ToProto(tensor, "t"), "memory");

        Assert.Equal([1, 2], back.Shape);
        Assert.Equal(["monday", "😀"], back.AsStrings());
    }
}
