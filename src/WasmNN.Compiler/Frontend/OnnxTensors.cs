using Google.Protobuf;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Onnx;
using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Frontend;

/// <summary>Conversion between ONNX <see cref="TensorProto"/> and the IR's dense <see cref="Tensor"/>.</summary>
public static class OnnxTensors
{
    /// <summary>Decodes a tensor from raw_data or the typed fields.</summary>
    /// <param name="proto">The tensor (external data must already be inlined by the loader).</param>
    /// <param name="where">Context for error messages (file, node).</param>
    /// <exception cref="GraphException">Unsupported type, segments, or an element count that does not match dims.</exception>
    public static Tensor ToTensor(TensorProto proto, string where) => ToTensor(proto, where, null);

    /// <summary>Decodes a tensor whose raw bytes may be in a file (<paramref name="dataRange"/>, read only when needed).</summary>
    /// <param name="proto">The tensor.</param>
    /// <param name="where">Context for error messages (file, node).</param>
    /// <param name="dataRange">Where its raw_data is (<see cref="OnnxModelFile.DataRanges"/>), or null when it is in <paramref name="proto"/>.</param>
    /// <exception cref="GraphException">As <see cref="ToTensor(TensorProto, string)"/>.</exception>
    public static Tensor ToTensor(TensorProto proto, string where, TensorDataRange? dataRange)
    {
        var label = $"{where}: tensor '{proto.Name}'";
        var type = OnnxDataTypes.FromOnnx(proto.DataType)
            ?? throw new UnsupportedOperatorException($"{label} has unsupported data type {OnnxDataTypes.Name(proto.DataType)}");
        if (proto.Segment is not null)
        {
            throw new GraphException($"{label} is segmented, which is not supported");
        }
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new GraphException($"{label} has external data that was not resolved (load the model from a file)");
        }
        if (proto.Dims.Any(d => d < 0 || d > int.MaxValue))
        {
            throw new GraphException($"{label} has invalid dims [{string.Join(", ", proto.Dims)}]");
        }
        int[] shape = [.. proto.Dims.Select(d => (int)d)];
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }
        if (count > int.MaxValue)
        {
            throw new GraphException($"{label} is too large ({count} elements)");
        }
        if (type == DataType.String)
        {
            return ReadStrings(proto, label, shape, count, dataRange is not null);
        }
        if (dataRange is not null)
        {
            if (dataRange.Length != count * type.ByteSize())
            {
                throw new GraphException($"{label} has {dataRange.Length} bytes of raw_data, expected {count * type.ByteSize()} for {type} {Shapes.Format(shape)}");
            }
            return Tensor.FromFile(type, shape, new TensorFileRange(dataRange.Path, dataRange.Offset, dataRange.Length));
        }
        var tensor = Tensor.Zeros(type, shape);
        if (proto.HasRawData)
        {
            var raw = proto.RawData.Span;
            if (raw.Length != count * type.ByteSize())
            {
                throw new GraphException($"{label} has {raw.Length} bytes of raw_data, expected {count * type.ByteSize()} for {type} {Shapes.Format(shape)}");
            }
            // raw_data is little-endian fixed-width; bool is one byte per element.
            if (type == DataType.Bool)
            {
                var flags = (bool[])tensor.Data;
                for (var i = 0; i < raw.Length; i++)
                {
                    flags[i] = raw[i] != 0;
                }
            }
            else
            {
                raw.CopyTo(tensor.AsBytes());
            }
            return tensor;
        }
        var (fieldCount, read) = type switch
        {
            DataType.Float32 => (proto.FloatData.Count, (Action<int>)(i => tensor.SetDouble(i, proto.FloatData[i]))),
            DataType.Float64 => (proto.DoubleData.Count, i => tensor.SetDouble(i, proto.DoubleData[i])),
            DataType.Int64 => (proto.Int64Data.Count, i => tensor.SetInt64(i, proto.Int64Data[i])),
            DataType.UInt32 or DataType.UInt64 => (proto.Uint64Data.Count, i => tensor.SetInt64(i, (long)proto.Uint64Data[i])),
            // float16 and bfloat16 elements are their 16-bit patterns in int32_data (onnx.proto).
            DataType.Float16 or DataType.BFloat16 => (proto.Int32Data.Count, i => BitConverter.TryWriteBytes(tensor.AsBytes()[(2 * i)..], (ushort)proto.Int32Data[i])),
            _ => (proto.Int32Data.Count, (Action<int>)(i => tensor.SetInt64(i, proto.Int32Data[i]))),
        };
        if (fieldCount != count)
        {
            throw new GraphException($"{label} holds {fieldCount} elements, expected {count} for {type} {Shapes.Format(shape)}");
        }
        for (var i = 0; i < count; i++)
        {
            read(i);
        }
        return tensor;
    }

    /// <summary>A string tensor's elements from string_data (raw_data has no string form), each checked to be UTF-8.</summary>
    private static Tensor ReadStrings(TensorProto proto, string label, int[] shape, long count, bool external)
    {
        if (proto.HasRawData || external)
        {
            throw new GraphException($"{label} is a string tensor with raw_data; strings are stored in string_data");
        }
        if (proto.StringData.Count != count)
        {
            throw new GraphException($"{label} holds {proto.StringData.Count} strings, expected {count} for shape {Shapes.Format(shape)}");
        }
        var strings = new string[count];
        for (var i = 0; i < strings.Length; i++)
        {
            try
            {
                strings[i] = StringTensorLayout.Utf8.GetString(proto.StringData[i].Span);
            }
            catch (System.Text.DecoderFallbackException)
            {
                throw new GraphException($"{label}: string element {i} is not valid UTF-8");
            }
        }
        return Tensor.FromStrings(shape, strings);
    }

    /// <summary>Encodes a tensor as a TensorProto with raw_data (a string tensor with string_data).</summary>
    public static TensorProto ToProto(Tensor tensor, string name)
    {
        var proto = new TensorProto { Name = name, DataType = OnnxDataTypes.ToOnnx(tensor.DataType) };
        proto.Dims.AddRange(tensor.Shape.Select(d => (long)d));
        if (tensor.DataType == DataType.String)
        {
            proto.StringData.AddRange(tensor.AsStrings().Select(s => ByteString.CopyFrom(StringTensorLayout.Encode(s, $"tensor '{name}'"))));
            return proto;
        }
        proto.RawData = tensor.DataType == DataType.Bool
            ? ByteString.CopyFrom([.. ((bool[])tensor.Data).Select(b => b ? (byte)1 : (byte)0)])
            : ByteString.CopyFrom(tensor.AsBytes());
        return proto;
    }

}
